using System;

namespace Microkernel.Process.Elf;

/// <summary>
/// A validated image placed at a base: what the kernel maps, copies, zeroes, relocates and
/// protects. Created by <see cref="ElfImage.TryCreatePlan(ulong, out ElfLoadPlan)"/>; every
/// address already has the base applied and lies in the window the plan was created for.
/// </summary>
public readonly struct ElfLoadPlan
{
    private readonly ElfImage _image;
    private readonly ulong _base;

    internal ElfLoadPlan(in ElfImage image, ulong loadBase)
    {
        _image = image;
        _base = loadBase;
    }

    /// <summary>The load base (0 for ET_EXEC).</summary>
    public ulong Base => _base;

    /// <summary>ET_EXEC or static PIE.</summary>
    public ElfKind Kind => _image.Kind;

    /// <summary>Where execution starts (inside an executable segment's file bytes).</summary>
    public ulong Entry => _base + _image.Entry;

    /// <summary>Number of segments to map (1 to <see cref="ElfImage.MaxLoadSegments"/>).</summary>
    public int SegmentCount => _image.SegmentCount;

    /// <summary>Segment <paramref name="index"/>, ascending, page-disjoint, never writable and executable.</summary>
    public ElfSegment Segment(int index)
    {
        ElfSegment linked = _image.Segment(index);
        return new ElfSegment(_base + linked.VirtualAddress, linked.MemorySize, linked.FileOffset, linked.FileSize, linked.Protection);
    }

    /// <summary>Lowest loaded page (page aligned).</summary>
    public ulong ImageStart => _base + _image.LinkStart;

    /// <summary>End of the highest loaded page (page aligned, exclusive).</summary>
    public ulong ImageEnd => _base + _image.LinkEnd;

    /// <summary>True when the program has a TLS template.</summary>
    public bool HasTls => _image.HasTls;

    /// <summary>The TLS template, its address with the base applied.</summary>
    public ElfTls Tls
    {
        get
        {
            ElfTls linked = _image.Tls;
            ulong address = linked.FileSize == 0 ? 0 : _base + linked.TemplateAddress;
            return new ElfTls(address, linked.FileOffset, linked.FileSize, linked.MemorySize, linked.Alignment);
        }
    }

    /// <summary>First page to make read-only after relocating (0 when none).</summary>
    public ulong RelroStart => _image.RelroLength == 0 ? 0 : _base + _image.RelroStart;

    /// <summary>Bytes (whole pages) to make read-only after relocating.</summary>
    public ulong RelroLength => _image.RelroLength;

    /// <summary>The program headers in the loaded image (AT_PHDR), or 0 when not loaded.</summary>
    public ulong ProgramHeaderAddress => _image.ProgramHeaderAddress == 0 ? 0 : _base + _image.ProgramHeaderAddress;

    /// <summary>Number of program headers (AT_PHNUM).</summary>
    public int ProgramHeaderCount => _image.ProgramHeaderCount;

    /// <summary>Stack size the program asks for (PT_GNU_STACK p_memsz), or 0.</summary>
    public ulong StackSize => _image.StackSize;

    /// <summary>Number of relocations to apply.</summary>
    public int RelocationCount => _image.RelocationCount;

    /// <summary>
    /// Relocation <paramref name="index"/> (0 to <see cref="RelocationCount"/> - 1) for this
    /// base, read from <paramref name="file"/>, which must be the bytes that were parsed: the
    /// entry is checked again, so a changed file yields a status, never a stray write.
    /// </summary>
    public ElfStatus TryGetRelocation(ReadOnlySpan<byte> file, int index, out ElfRelocation relocation)
    {
        return _image.ReadRelocation(file, index, _base, out relocation);
    }
}
