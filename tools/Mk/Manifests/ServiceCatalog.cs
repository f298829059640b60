using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace Mk.Manifests;

/// <summary>The services an image may contain, as declared once in the repository's
/// <c>Services.props</c>: one <c>&lt;ServiceProject Include="FOLDER" /&gt;</c> item per service,
/// whose name is the folder's last part (<c>tests/services/crasher</c> is <c>crasher</c>). make
/// reads the same file to know what to build (build/mk/image.mk).</summary>
public sealed class ServiceCatalog
{
    /// <summary>The file, at the repository root, that declares every service.</summary>
    public const string DeclarationFileName = "Services.props";

    private readonly Dictionary<string, string> _folders;

    /// <summary>A catalog of the given names, each in a folder of its own name.</summary>
    public ServiceCatalog(IEnumerable<string> names)
        : this(names.Select(n => (n, n)))
    {
    }

    private ServiceCatalog(IEnumerable<(string Name, string Folder)> services)
    {
        _folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string folder) in services)
        {
            if (!_folders.TryAdd(name, folder))
            {
                throw new InvalidDataException($"{DeclarationFileName}: two services are named '{name}' ({_folders[name]} and {folder}); a service's name is its folder's last part and must be unique");
            }
        }
        Names = _folders.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Known service names, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>True if <paramref name="name"/> is a service.</summary>
    public bool Contains(string name) => _folders.ContainsKey(name);

    /// <summary>The folder of service <paramref name="name"/>, relative to the repository root.</summary>
    public string FolderOf(string name) => _folders[name];

    /// <summary>Reads <c>Services.props</c> in <paramref name="repositoryRoot"/> (the
    /// repository in real use, a folder of fakes in tests). A missing file gives an empty
    /// catalog; a malformed one throws <see cref="InvalidDataException"/> naming the file.</summary>
    public static ServiceCatalog Load(string repositoryRoot)
    {
        string path = Path.Combine(repositoryRoot, DeclarationFileName);
        if (!File.Exists(path))
        {
            return new ServiceCatalog(Array.Empty<string>());
        }

        XDocument document;
        try
        {
            document = XDocument.Load(path);
        }
        catch (System.Xml.XmlException e)
        {
            throw new InvalidDataException($"{path}: not a valid MSBuild file: {e.Message}", e);
        }
        var services = new List<(string, string)>();
        foreach (XElement item in document.Descendants().Where(e => e.Name.LocalName == "ServiceProject"))
        {
            string folder = ((string?)item.Attribute("Include") ?? "").Trim().Replace('\\', '/').TrimEnd('/');
            if (folder.Length == 0)
            {
                throw new InvalidDataException($"{path}: a ServiceProject item has no Include folder");
            }

            services.Add((folder[(folder.LastIndexOf('/') + 1)..], folder));
        }
        return new ServiceCatalog(services);
    }
}
