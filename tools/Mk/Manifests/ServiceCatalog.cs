using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Mk.Manifests;

/// <summary>The services an image may contain: every folder <c>services/NAME/</c> holding a
/// <c>*.csproj</c> (so <c>userlib</c> and <c>contracts</c>, which have none, are not services).</summary>
public sealed class ServiceCatalog
{
    private readonly HashSet<string> _names;

    /// <summary>A catalog of the given names.</summary>
    public ServiceCatalog(IEnumerable<string> names)
    {
        _names = new HashSet<string>(names, StringComparer.Ordinal);
        Names = _names.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Known service names, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>True if <paramref name="name"/> is a service.</summary>
    public bool Contains(string name) => _names.Contains(name);

    /// <summary>Scans <paramref name="servicesRoot"/> (the repository's services/ in real use,
    /// a folder of fakes in tests). A missing folder gives an empty catalog.</summary>
    public static ServiceCatalog FromDirectory(string servicesRoot)
    {
        if (!Directory.Exists(servicesRoot)) return new ServiceCatalog(Array.Empty<string>());
        IEnumerable<string> names = Directory.EnumerateDirectories(servicesRoot)
            .Where(d => Directory.EnumerateFiles(d, "*.csproj").Any())
            .Select(Path.GetFileName)
            .OfType<string>();
        return new ServiceCatalog(names);
    }
}
