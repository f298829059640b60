using System;
using System.Collections.Generic;
using System.IO;
using CrashSymbolizer;

namespace ImageProfile;

/// <summary>
/// Builds the <see cref="AddressMap"/> of a run: the kernel plus every service the serial
/// log says was started, each at its base.
/// </summary>
public static class ImageLoader
{
    /// <summary>
    /// The map for <paramref name="kernel"/> and <paramref name="loads"/>. <paramref name="openService"/>
    /// returns a service's ELF by name, or null when there is none; such a service is left out
    /// with a warning (its PCs count as <c>?</c>). A service started twice gets <c>NAME#PID</c>
    /// as the second image's name.
    /// </summary>
    public static AddressMap Build(LoadedImage kernel, IReadOnlyList<ServiceLoad> loads,
                                   Func<string, ElfFile?> openService, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(openService);
        ArgumentNullException.ThrowIfNull(warnings);
        var images = new List<LoadedImage> { kernel };
        var names = new HashSet<string>(StringComparer.Ordinal) { kernel.Name };
        var elfs = new Dictionary<string, ElfFile?>(StringComparer.Ordinal);
        foreach (ServiceLoad load in loads)
        {
            if (!elfs.TryGetValue(load.Name, out ElfFile? elf))
            {
                try
                {
                    elf = openService(load.Name);
                    if (elf is null)
                    {
                        warnings.Add($"no ELF for service {load.Name}; its instructions count as '?'");
                    }
                }
                catch (ElfFormatException e)
                {
                    warnings.Add($"service {load.Name}: {e.Message}; its instructions count as '?'");
                    elf = null;
                }
                elfs[load.Name] = elf;
            }
            if (elf is null)
            {
                continue;
            }

            string name = names.Add(load.Name) ? load.Name : $"{load.Name}#{load.Pid}";
            names.Add(name);
            try
            {
                images.Add(LoadedImage.FromElf(name, elf, load.Base));
            }
            catch (ProfileException e)
            {
                warnings.Add($"service {e.Message}; its instructions count as '?'");
            }
        }
        var map = new AddressMap(images);
        foreach ((LoadedImage? earlier, LoadedImage? later) in map.Overlaps)
        {
            warnings.Add($"{earlier} and {later} overlap; PCs in both count for {later.Name}");
        }

        return map;
    }

    /// <summary>An opener for <see cref="Build"/> that reads <c>DIR/NAME.elf</c>, or gives null when it does not exist.</summary>
    public static Func<string, ElfFile?> ServicesIn(string directory) => name =>
    {
        string path = Path.Combine(directory, name + ".elf");
        return File.Exists(path) ? ElfFile.Load(path) : null;
    };
}
