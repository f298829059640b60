using System;
using System.Collections.Generic;
using System.Linq;
using CrashSymbolizer;

namespace ImageProfile;

/// <summary>Where a guest PC belongs: its image (null when none covers it) and function (null when no symbol does).</summary>
/// <param name="Image">The image whose range holds the PC, or null.</param>
/// <param name="Symbol">The symbol that holds the PC, at link addresses, or null.</param>
/// <param name="IsEntry">True when the PC is the symbol's first instruction (an execution there counts as a call).</param>
public readonly record struct CodeLocation(LoadedImage? Image, ElfSymbol? Symbol, bool IsEntry);

/// <summary>
/// Maps guest PCs to images and functions. The kernel and each started service are one
/// image; a PC belongs to the image whose range holds it. Services live in separate
/// address spaces, so two ranges may overlap; then the image loaded last wins and
/// <see cref="Overlaps"/> names the pair so the caller can warn.
/// </summary>
public sealed class AddressMap
{
    private readonly LoadedImage[] _images;

    /// <summary>Creates the map; <paramref name="images"/> are in load order.</summary>
    public AddressMap(IEnumerable<LoadedImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        _images = images.ToArray();
        var overlaps = new List<(LoadedImage, LoadedImage)>();
        for (int i = 0; i < _images.Length; i++)
        {
            for (int j = i + 1; j < _images.Length; j++)
            {
                if (_images[i].Start < _images[j].End && _images[j].Start < _images[i].End)
                {
                    overlaps.Add((_images[i], _images[j]));
                }
            }
        }

        Overlaps = overlaps;
    }

    /// <summary>The images, in load order.</summary>
    public IReadOnlyList<LoadedImage> Images => _images;

    /// <summary>Pairs of images whose ranges overlap (earlier, later).</summary>
    public IReadOnlyList<(LoadedImage Earlier, LoadedImage Later)> Overlaps { get; }

    /// <summary>
    /// The image and function of <paramref name="pc"/>. The function is found by
    /// <see cref="SymbolTable.Lookup"/> at <c>pc - bias</c>: the sized symbol containing it
    /// (functions first), else the nearest preceding unsized label in the same section.
    /// </summary>
    public CodeLocation Resolve(ulong pc)
    {
        for (int i = _images.Length - 1; i >= 0; i--)
        {
            LoadedImage image = _images[i];
            if (!image.Contains(pc))
            {
                continue;
            }

            ulong address = pc - image.Bias;
            ElfSymbol? symbol = image.Symbols.Lookup(address);
            return new CodeLocation(image, symbol, symbol is { } s && s.Address == address);
        }
        return new CodeLocation(null, null, false);
    }

    /// <summary>
    /// The guest address of the function named by <paramref name="spec"/>, <c>[IMAGE:]NAME</c>.
    /// NAME matches a FUNC symbol's raw name, its readable form (<see cref="NameDemangler"/>),
    /// or the end of the readable form after a dot (<c>EchoCall.TryCall</c> matches
    /// <c>Service.EchoBench.Microkernel.Services.Contracts.EchoCall.TryCall</c>).
    /// </summary>
    /// <exception cref="ProfileException">No function matches, or functions at more than one address do.</exception>
    public ulong FindFunction(string spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        string? imageName = null;
        string name = spec;
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && _images.Any(i => i.Name == spec[..colon]))
        {
            imageName = spec[..colon];
            name = spec[(colon + 1)..];
        }
        var matches = new List<(LoadedImage Image, ElfSymbol Symbol)>();
        foreach (LoadedImage image in _images)
        {
            if (imageName is not null && image.Name != imageName)
            {
                continue;
            }

            foreach (ElfSymbol s in image.Symbols.Symbols)
            {
                if (s.Type == ElfSymbol.TypeFunc && NameMatches(s.Name, name)
                    && !matches.Any(m => m.Image == image && m.Symbol.Address == s.Address))
                {
                    matches.Add((image, s));
                }
            }
        }
        if (matches.Count == 1)
        {
            return matches[0].Symbol.Address + matches[0].Image.Bias;
        }

        string where = imageName ?? string.Join(", ", _images.Select(i => i.Name));
        if (matches.Count == 0)
        {
            throw new ProfileException($"no function matches '{name}' in {where}");
        }

        string candidates = string.Join(", ", matches.Take(6).Select(m => $"{m.Image.Name}:{DisplayName(m.Symbol.Name)}"));
        throw new ProfileException($"'{spec}' matches {matches.Count} functions ({candidates}{(matches.Count > 6 ? ", ..." : "")}); " +
                                   "name the image (IMAGE:NAME) or more of the name");
    }

    /// <summary>The name a profile prints for a raw symbol: its readable form when it has one, else the raw name.</summary>
    public static string DisplayName(string rawName) => NameDemangler.Readable(rawName) ?? rawName;

    private static bool NameMatches(string raw, string wanted)
    {
        if (raw == wanted)
        {
            return true;
        }

        string? readable = NameDemangler.Readable(raw);
        if (readable is null)
        {
            return false;
        }

        return readable == wanted
            || (readable.Length > wanted.Length && readable.EndsWith(wanted, StringComparison.Ordinal)
                && readable[readable.Length - wanted.Length - 1] == '.');
    }
}
