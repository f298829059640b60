using System;
using CrashSymbolizer;

namespace ImageProfile;

/// <summary>
/// One ELF image as it sits in the guest: the address range its PT_LOAD segments occupy
/// and the symbols to name code in it. A guest PC inside [<see cref="Start"/>, <see cref="End"/>)
/// is looked up at <c>pc - <see cref="Bias"/></c>.
/// </summary>
public sealed class LoadedImage
{
    /// <summary>Creates an image from its parts (tests build synthetic ones this way).</summary>
    /// <param name="name">The name printed in the profile (<c>kernel</c>, or the service name).</param>
    /// <param name="bias">What is added to a link address to get the guest address (0 for ET_EXEC, the load base for a PIE).</param>
    /// <param name="start">The lowest guest address of the image.</param>
    /// <param name="end">The first guest address past the image; greater than <paramref name="start"/>.</param>
    /// <param name="symbols">The image's symbols, at link addresses.</param>
    public LoadedImage(string name, ulong bias, ulong start, ulong end, SymbolTable symbols)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(symbols);
        if (end <= start)
        {
            throw new ArgumentException($"image {name}: end 0x{end:x} is not above start 0x{start:x}", nameof(end));
        }

        Name = name;
        Bias = bias;
        Start = start;
        End = end;
        Symbols = symbols;
    }

    /// <summary>The name printed in the profile.</summary>
    public string Name { get; }

    /// <summary>Guest address minus link address.</summary>
    public ulong Bias { get; }

    /// <summary>The lowest guest address of the image.</summary>
    public ulong Start { get; }

    /// <summary>The first guest address past the image.</summary>
    public ulong End { get; }

    /// <summary>The image's symbols, at link addresses.</summary>
    public SymbolTable Symbols { get; }

    /// <summary>True when <paramref name="pc"/> lies inside the image.</summary>
    public bool Contains(ulong pc) => pc >= Start && pc < End;

    /// <summary>
    /// The image of <paramref name="elf"/> loaded at <paramref name="loadBase"/>: for an ET_EXEC
    /// file (the kernel) the link addresses are the guest addresses and the base must be 0; for
    /// an ET_DYN file (a service, PIE) link address 0 is at the base. The range spans the
    /// lowest to the highest PT_LOAD address (p_vaddr to p_vaddr + p_memsz).
    /// </summary>
    /// <exception cref="ProfileException">The file has no PT_LOAD segment, is neither ET_EXEC nor ET_DYN,
    /// or its segments do not fit the address space at that base.</exception>
    public static LoadedImage FromElf(string name, ElfFile elf, ulong loadBase)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ulong bias = elf.FileType switch
        {
            2 when loadBase == 0 => 0,
            2 => throw new ProfileException($"{name}: a fixed-address (ET_EXEC) image cannot be loaded at base 0x{loadBase:x}"),
            3 => loadBase,
            _ => throw new ProfileException($"{name}: ELF type {elf.FileType} is neither an executable (2) nor a position-independent executable (3)"),
        };
        if (elf.LoadSegments.Count == 0)
        {
            throw new ProfileException($"{name}: the ELF has no PT_LOAD segment");
        }

        ulong low = ulong.MaxValue, high = 0;
        foreach (ElfSegment s in elf.LoadSegments)
        {
            if (s.MemorySize == 0)
            {
                continue;
            }

            ulong end = s.VirtualAddress + s.MemorySize;
            if (end < s.VirtualAddress)
            {
                throw new ProfileException($"{name}: PT_LOAD segment at 0x{s.VirtualAddress:x} wraps around the address space");
            }

            low = Math.Min(low, s.VirtualAddress);
            high = Math.Max(high, end);
        }
        if (low >= high)
        {
            throw new ProfileException($"{name}: the ELF's PT_LOAD segments are all empty");
        }

        ulong start = low + bias, stop = high + bias;
        if (start < low || stop < high)
        {
            throw new ProfileException($"{name}: base 0x{loadBase:x} puts the image past the end of the address space");
        }

        return new LoadedImage(name, bias, start, stop, SymbolTable.FromElf(elf));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [0x{Start:x}, 0x{End:x})";
}
