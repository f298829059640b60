using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Mk.Manifests;

/// <summary>The outcome of reading a manifest: the manifest, or every error found.</summary>
/// <param name="Manifest">The validated manifest; null when there are errors.</param>
/// <param name="Errors">Errors in file order (empty on success).</param>
public sealed record ManifestParseResult(ImageManifest? Manifest, IReadOnlyList<ManifestDiagnostic> Errors)
{
    /// <summary>True when the manifest is valid.</summary>
    public bool Succeeded => Manifest is not null;
}

/// <summary>Reads and validates image manifests (images/*.yaml; the schema is in
/// images/README.md). Every error carries file, line and column from YamlDotNet's marks and
/// a hint; as many errors as can be found are reported at once.</summary>
public static partial class ManifestParser
{
    private static readonly string[] s_topKeys = { "name", "kernel", "memory", "smp", "services" };
    private static readonly string[] s_kernelKeys = { "flavour", "cmdline" };
    private static readonly string[] s_serviceKeys = { "restart", "max_restarts", "after", "channels", "rights" };

    /// <summary>Privileges a service may be granted (abi/ProcessRights.cs).</summary>
    public static readonly string[] RightNames = { "log-read", "log-export", "power", "host-link", "console" };
    private static readonly string[] s_channelKeys = { "to" };
    private static readonly string[] s_flavours = { "default", "test" };

    /// <summary>The service the kernel starts to run the manifest: never one of its services.</summary>
    public const string SupervisorService = "supervisor";

    /// <summary>Most services an image may list (the supervisor's reader refuses more).</summary>
    public const int MaxServices = 24;

    /// <summary>Most <c>after</c> entries, and most channels, one service may list.</summary>
    public const int MaxLinks = 8;

    /// <summary>Longest service name, in bytes.</summary>
    public const int MaxServiceName = 31;

    /// <summary>Reads the manifest at <paramref name="path"/> (named in errors as given).</summary>
    /// <exception cref="MkException">The file cannot be read.</exception>
    public static ManifestParseResult Load(string path, ServiceCatalog catalog)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MkException($"cannot read manifest {path}: {e.Message}", "give the path of a YAML manifest, such as images/default.yaml", 2, e);
        }
        return Parse(text, path, catalog);
    }

    /// <summary>Validates manifest <paramref name="text"/>; <paramref name="file"/> is the name
    /// errors carry, <paramref name="catalog"/> the services that exist.</summary>
    public static ManifestParseResult Parse(string text, string file, ServiceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalog);
        var reader = new Reader(file, catalog);
        ImageManifest? manifest = reader.Read(text);
        var errors = reader.Errors
            .OrderBy(e => e.Position.Line).ThenBy(e => e.Position.Column).ToList();
        return new ManifestParseResult(errors.Count == 0 ? manifest : null, errors);
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex ImageNamePattern();

    private sealed class RawService
    {
        public required string Name { get; init; }
        public required YamlScalarNode Key { get; init; }
        public RestartPolicy Restart { get; set; } = RestartPolicy.OnFailure;
        public uint MaxRestarts { get; set; } = 3;
        public List<YamlScalarNode> After { get; } = new();
        public List<YamlScalarNode> Channels { get; } = new();
        public List<string> Rights { get; } = new();
    }

    private sealed class Reader
    {
        private readonly string _file;
        private readonly ServiceCatalog _catalog;

        public Reader(string file, ServiceCatalog catalog)
        {
            _file = file;
            _catalog = catalog;
        }

        public List<ManifestDiagnostic> Errors { get; } = new();

        private void Error(YamlNode node, string message, string? hint) => Error(node.Start, message, hint);

        private void Error(SourcePosition at, string message, string? hint) =>
            Errors.Add(new ManifestDiagnostic(_file, at, message, hint));

        public ImageManifest? Read(string text)
        {
            YamlNode? root = YamlTreeBuilder.Build(text, _file, Errors);
            if (Errors.Count > 0 && root is null)
            {
                return null;
            }

            if (root is YamlScalarNode { IsNull: true } || root is null)
            {
                Error(SourcePosition.FileStart, "the manifest is empty: missing `name` and `services`",
                    "start with `name: my-image` and a `services:` mapping (see images/README.md)");
                return null;
            }
            if (root is not YamlMappingNode top)
            {
                Error(root, $"a manifest is a mapping of settings, not {root.KindName}",
                    "start with `name: my-image` and a `services:` mapping (see images/README.md)");
                return null;
            }

            string? name = null;
            string flavour = "default";
            string cmdline = "";
            uint memoryMib = 128;
            uint smp = 1;
            List<RawService>? services = null;
            foreach ((YamlScalarNode key, YamlNode value) in top.Entries)
            {
                switch (key.Value)
                {
                    case "name":
                        name = ReadImageName(value);
                        break;
                    case "kernel":
                        ReadKernel(value, ref flavour, ref cmdline);
                        break;
                    case "memory":
                        memoryMib = ReadMemory(value) ?? memoryMib;
                        break;
                    case "smp":
                        smp = ReadUInt(value, "smp", 1, 64) ?? smp;
                        break;
                    case "services":
                        services = ReadServices(value);
                        break;
                    default:
                        UnknownKey(key, s_topKeys, "top-level key");
                        break;
                }
            }
            if (name is null && !top.Entries.Any(e => e.Key.Value == "name"))
            {
                Error(top, "missing `name`", "add `name: my-image` (lower-case letters, digits and dashes)");
            }

            if (services is null && !top.Entries.Any(e => e.Key.Value == "services"))
            {
                Error(top, "missing `services`", "add a `services:` mapping, for example `services:` then `  hello: {}`");
            }

            if (services is null)
            {
                return null;
            }

            CheckReferences(services);
            if (name is null || Errors.Count > 0)
            {
                return null;
            }

            var specs = services.Select(s => new ServiceSpec(s.Name, s.Restart, s.MaxRestarts,
                s.After.Select(a => a.Value).ToArray(), s.Channels.Select(c => c.Value).ToArray())
            { Rights = s.Rights.ToArray() }).ToList();
            if (!StartOrder.TryCompute(specs, out IReadOnlyList<ServiceSpec> order, out IReadOnlyList<string> cycle))
            {
                RawService first = services.First(s => s.Name == cycle[0]);
                YamlScalarNode edge = first.After.First(a => a.Value == cycle[1]);
                Error(edge, "dependency cycle: " + string.Join(" -> ", cycle),
                    "`after` must not loop back; remove one of these `after` entries");
                return null;
            }
            return new ImageManifest(name, flavour, cmdline, memoryMib, smp, specs, order);
        }

        private string? ReadImageName(YamlNode value)
        {
            string? text = ReadString(value, "name");
            if (text is null)
            {
                return null;
            }

            if (!ImageNamePattern().IsMatch(text) || text.Length > 64)
            {
                Error(value, $"image name `{text}` must be 1 to 64 of a-z, 0-9 and -",
                    "for example `name: my-image`; it names the image file, out/NAME.elf");
                return null;
            }
            return text;
        }

        private void ReadKernel(YamlNode value, ref string flavour, ref string cmdline)
        {
            if (value is YamlScalarNode { IsNull: true })
            {
                return;
            }

            if (value is not YamlMappingNode kernel)
            {
                Error(value, $"`kernel` must be a mapping, not {value.KindName}", "write `kernel:` then `  flavour: default` on the next line");
                return;
            }
            foreach ((YamlScalarNode key, YamlNode item) in kernel.Entries)
            {
                switch (key.Value)
                {
                    case "flavour":
                        string? f = ReadString(item, "flavour");
                        if (f is null)
                        {
                            break;
                        }

                        if (s_flavours.Contains(f))
                        {
                            flavour = f;
                        }
                        else
                        {
                            Error(item, $"unknown kernel flavour `{f}`", SuggestValue(f, s_flavours));
                        }

                        break;
                    case "cmdline":
                        if (item is YamlScalarNode { IsNull: true })
                        {
                            cmdline = "";
                        }
                        else
                        {
                            cmdline = ReadString(item, "cmdline") ?? cmdline;
                        }

                        break;
                    default:
                        UnknownKey(key, s_kernelKeys, "kernel key");
                        break;
                }
            }
        }

        private uint? ReadMemory(YamlNode value)
        {
            if (value is not YamlScalarNode scalar || scalar.IsNull)
            {
                Error(value, $"`memory` must be a size such as 128M, not {value.KindName}", "write a number and a unit: K, M or G, e.g. `memory: 128M`");
                return null;
            }
            if (!MemorySize.TryParseMib(scalar.Value, out uint mib, out string why))
            {
                string hint = uint.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out uint bare) && bare >= MemorySize.MinimumMib
                    ? $"add a unit: `memory: {bare}M`"
                    : $"write a number and a unit, K, M or G, of at least {MemorySize.MinimumMib}M, e.g. `memory: 128M`";
                Error(value, "`memory`: " + why, hint);
                return null;
            }
            return mib;
        }

        private List<RawService>? ReadServices(YamlNode value)
        {
            if (value is YamlScalarNode { IsNull: true })
            {
                return new List<RawService>();
            }

            if (value is not YamlMappingNode map)
            {
                Error(value, $"`services` must be a mapping of service names, not {value.KindName}",
                    "write one service per line under `services:`, e.g. `  hello: {}`");
                return null;
            }
            var services = new List<RawService>();
            foreach ((YamlScalarNode key, YamlNode settings) in map.Entries)
            {
                string[] names = _catalog.Names.Where(n => n != SupervisorService).ToArray();
                if (key.Value == SupervisorService)
                {
                    Error(key, "`supervisor` is started by the kernel to run this manifest; it is not one of its services",
                        "remove it from services");
                }
                else if (!_catalog.Contains(key.Value))
                {
                    string? near = NameSuggestion.Nearest(key.Value, names);
                    string known = names.Length == 0 ? "none were found" : string.Join(", ", names);
                    Error(key, $"unknown service `{key.Value}`",
                        (near is null ? "" : $"did you mean `{near}`? ") + $"the services declared in Services.props are: {known}");
                }
                if (services.Count == MaxServices)
                {
                    Error(key, $"more than {MaxServices} services", "the supervisor runs at most 24 services an image; split the image");
                }

                if (System.Text.Encoding.UTF8.GetByteCount(key.Value) > MaxServiceName)
                {
                    Error(key, $"service name `{key.Value}` is longer than {MaxServiceName} bytes", "rename the service folder");
                }

                var service = new RawService { Name = key.Value, Key = key };
                services.Add(service);
                ReadServiceSettings(service, settings);
            }
            return services;
        }

        private void ReadServiceSettings(RawService service, YamlNode settings)
        {
            if (settings is YamlScalarNode { IsNull: true })
            {
                return;
            }

            if (settings is not YamlMappingNode map)
            {
                Error(settings, $"service `{service.Name}` must be a mapping of settings, not {settings.KindName}",
                    $"write `{service.Name}: {{}}` for the defaults");
                return;
            }
            foreach ((YamlScalarNode key, YamlNode value) in map.Entries)
            {
                switch (key.Value)
                {
                    case "restart":
                        string? text = ReadString(value, "restart");
                        if (text is null)
                        {
                            break;
                        }

                        if (RestartPolicyNames.TryParse(text, out RestartPolicy policy))
                        {
                            service.Restart = policy;
                        }
                        else
                        {
                            Error(value, $"`restart` must be always, on-failure or never, not `{text}`", SuggestValue(text, RestartPolicyNames.All));
                        }

                        break;
                    case "max_restarts":
                        service.MaxRestarts = ReadUInt(value, "max_restarts", 0, 100) ?? service.MaxRestarts;
                        break;
                    case "after":
                        ReadAfter(service, value);
                        break;
                    case "channels":
                        ReadChannels(service, value);
                        break;
                    case "rights":
                        ReadRights(service, value);
                        break;
                    default:
                        UnknownKey(key, s_serviceKeys, "service key");
                        break;
                }
            }
        }

        private void ReadRights(RawService service, YamlNode value)
        {
            if (value is YamlScalarNode { IsNull: true })
            {
                return;
            }

            if (value is not YamlSequenceNode list)
            {
                Error(value, $"`rights` must be a list, not {value.KindName}", "write `rights: [log-read, log-export]`");
                return;
            }
            foreach (YamlNode item in list.Items)
            {
                if (item is not YamlScalarNode right || right.IsNull || !RightNames.Contains(right.Value))
                {
                    string text = item is YamlScalarNode s ? s.Value : item.KindName;
                    Error(item, $"unknown right `{text}`", SuggestValue(text, RightNames));
                    continue;
                }
                if (service.Rights.Contains(right.Value))
                {
                    Error(item, $"`{right.Value}` is listed twice in `rights`", "remove the second one");
                    continue;
                }
                service.Rights.Add(right.Value);
            }
        }

        private void ReadAfter(RawService service, YamlNode value)
        {
            if (value is YamlScalarNode { IsNull: true })
            {
                return;
            }

            if (value is not YamlSequenceNode list)
            {
                string example = value is YamlScalarNode s ? s.Value : "other-service";
                Error(value, $"`after` must be a list of service names, not {value.KindName}", $"write `after: [{example}]`");
                return;
            }
            foreach (YamlNode item in list.Items)
            {
                if (item is not YamlScalarNode name || name.IsNull)
                {
                    Error(item, $"`after` entries must be service names, not {item.KindName}", "write `after: [echo-server]`");
                    continue;
                }
                if (service.After.Count == MaxLinks)
                {
                    Error(item, $"`{service.Name}` lists more than {MaxLinks} services in `after`", "the supervisor reads at most 8");
                    break;
                }
                if (service.After.Any(a => a.Value == name.Value))
                {
                    Error(item, $"`{name.Value}` is listed twice in `after`", "remove the second one");
                    continue;
                }
                service.After.Add(name);
            }
        }

        private void ReadChannels(RawService service, YamlNode value)
        {
            if (value is YamlScalarNode { IsNull: true })
            {
                return;
            }

            if (value is not YamlSequenceNode list)
            {
                Error(value, $"`channels` must be a list, not {value.KindName}", "write `channels:` then `  - to: echo-server` on the next line");
                return;
            }
            foreach (YamlNode item in list.Items)
            {
                if (item is not YamlMappingNode channel)
                {
                    string example = item is YamlScalarNode s && !s.IsNull ? s.Value : "echo-server";
                    Error(item, $"a channel must be a mapping with `to`, not {item.KindName}", $"write `- to: {example}`");
                    continue;
                }
                YamlScalarNode? to = null;
                foreach ((YamlScalarNode key, YamlNode target) in channel.Entries)
                {
                    if (key.Value != "to")
                    {
                        UnknownKey(key, s_channelKeys, "channel key");
                        continue;
                    }
                    if (target is YamlScalarNode t && !t.IsNull)
                    {
                        to = t;
                    }
                    else
                    {
                        Error(target, $"`to` must name a service, not {target.KindName}", "write `- to: echo-server`");
                    }
                }
                if (to is null)
                {
                    if (!channel.Entries.Any(e => e.Key.Value == "to"))
                    {
                        Error(channel, "a channel needs `to`, the service that serves it", "write `- to: echo-server`");
                    }

                    continue;
                }
                if (service.Channels.Count == MaxLinks)
                {
                    Error(to, $"`{service.Name}` opens more than {MaxLinks} channels", "the supervisor grants at most 8 a service");
                    break;
                }
                if (service.Channels.Any(c => c.Value == to.Value))
                {
                    Error(to, $"a channel to `{to.Value}` is listed twice", "remove the second one");
                    continue;
                }
                service.Channels.Add(to);
            }
        }

        private void CheckReferences(List<RawService> services)
        {
            var inImage = services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            string[] imageNames = services.Select(s => s.Name).ToArray();
            foreach (RawService service in services)
            {
                foreach (YamlScalarNode after in service.After)
                {
                    if (!inImage.Contains(after.Value))
                    {
                        Error(after, $"`{service.Name}` comes after `{after.Value}`, which is not a service of this image",
                            MissingServiceHint(after.Value, imageNames, "`after`"));
                    }
                }
                foreach (YamlScalarNode to in service.Channels)
                {
                    if (to.Value == service.Name)
                    {
                        Error(to, $"`{service.Name}` opens a channel to itself", "a channel joins two services; remove this entry");
                    }
                    else if (!inImage.Contains(to.Value))
                    {
                        Error(to, $"`{service.Name}` opens a channel to `{to.Value}`, which is not a service of this image",
                            MissingServiceHint(to.Value, imageNames, "`channels`"));
                    }
                }
            }
        }

        private string MissingServiceHint(string name, string[] imageNames, string where)
        {
            string? near = NameSuggestion.Nearest(name, imageNames);
            if (near is not null && near != name)
            {
                return $"did you mean `{near}`? or add `{name}` under services";
            }

            return _catalog.Contains(name)
                ? $"add `{name}: {{}}` under services, or remove it from {where}"
                : $"no service is called `{name}`; this image has: {string.Join(", ", imageNames)}";
        }

        private string? ReadString(YamlNode value, string what)
        {
            if (value is YamlScalarNode scalar && !scalar.IsNull)
            {
                return scalar.Value;
            }

            Error(value, $"`{what}` must be a string, not {value.KindName}", $"write `{what}: VALUE` on one line");
            return null;
        }

        private uint? ReadUInt(YamlNode value, string what, uint min, uint max)
        {
            string range = string.Create(CultureInfo.InvariantCulture, $"{min} to {max}");
            if (value is not YamlScalarNode scalar || scalar.IsNull)
            {
                Error(value, $"`{what}` must be an integer from {range}, not {value.KindName}", $"write `{what}: {min}`");
                return null;
            }
            if (!scalar.IsPlain)
            {
                Error(value, $"`{what}` must be an integer from {range}, not a quoted string", $"remove the quotes: `{what}: {scalar.Value}`");
                return null;
            }
            if (!long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
            {
                Error(value, $"`{what}` must be an integer from {range}, not `{scalar.Value}`", $"write `{what}: {min}`");
                return null;
            }
            if (number < min || number > max)
            {
                Error(value, $"`{what}` is {number}, outside {range}", $"write a number from {range}");
                return null;
            }
            return (uint)number;
        }

        private void UnknownKey(YamlScalarNode key, string[] valid, string kind)
        {
            string? near = NameSuggestion.Nearest(key.Value, valid);
            string list = string.Join(", ", valid);
            Error(key, $"unknown {kind} `{key.Value}`",
                near is null ? $"valid keys here: {list}" : $"did you mean `{near}`? valid keys here: {list}");
        }

        private static string SuggestValue(string given, IReadOnlyList<string> valid)
        {
            string? near = NameSuggestion.Nearest(given, valid);
            string list = string.Join(", ", valid);
            return near is null ? $"one of: {list}" : $"did you mean `{near}`? one of: {list}";
        }
    }
}
