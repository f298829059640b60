using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Microkernel.Process.Elf;

/// <summary>
/// A completely validated ELF64 x86-64 program (static ET_EXEC or static PIE), as linked.
/// <see cref="TryParse"/> checks every header field, every program header, the dynamic
/// section and every relocation, and keeps what loading needs in fixed-size storage (no
/// allocation). <see cref="TryCreatePlan(ulong, out ElfLoadPlan)"/> then places it at a base.
/// </summary>
/// <remarks>All reads go through a bounds-checked reader and every offset + size is
/// computed with overflow checks. Work is linear in the file size: program headers,
/// dynamic entries and relocations are counted by sizes that must lie inside the file.</remarks>
public partial struct ElfImage
{
    /// <summary>Page size the image is laid out for.</summary>
    public const ulong PageSize = 4096;

    /// <summary>Most PT_LOAD segments (with memory) an image may have.</summary>
    public const int MaxLoadSegments = 16;

    /// <summary>Most program headers of any type.</summary>
    public const int MaxProgramHeaders = 256;

    /// <summary>Largest span from the lowest to the highest loaded page, and largest p_align.</summary>
    public const ulong MaxImageSpan = 1UL << 30;

    /// <summary>End (exclusive) of the lower canonical half: no loaded byte may be at or above it.</summary>
    public const ulong UserAddressLimit = 1UL << 47;

    /// <summary>Lowest address a loaded page may have (the first 64 KiB stay unmapped so
    /// null-pointer accesses fault). The default window is [MinimumAddress, UserAddressLimit).</summary>
    public const ulong MinimumAddress = 0x10000;

    /// <summary>Largest PT_TLS p_memsz.</summary>
    public const ulong MaxTlsSize = 16UL << 20;

    /// <summary>Largest PT_TLS p_align.</summary>
    public const ulong MaxTlsAlignment = 4096;

    [InlineArray(MaxLoadSegments)]
    private struct SegmentBuffer
    {
        private ElfSegment _element;
    }

    private SegmentBuffer _segments;
    private int _segmentCount;
    private ElfKind _kind;
    private ulong _entry;
    private ulong _linkStart;
    private ulong _linkEnd;
    private ulong _alignment;
    private bool _hasTls;
    private ElfTls _tls;
    private ulong _relroStart;
    private ulong _relroLength;
    private ulong _programHeaderAddress;
    private int _programHeaderCount;
    private ulong _stackSize;
    private ulong _fileLength;
    private ulong _relaOffset;
    private int _relaCount;
    private ulong _pltOffset;
    private int _pltCount;

    /// <summary>ET_EXEC or static PIE.</summary>
    public readonly ElfKind Kind => _kind;

    /// <summary>e_entry as linked (inside an executable segment's file bytes).</summary>
    public readonly ulong Entry => _entry;

    /// <summary>Number of PT_LOAD segments with memory (1 to <see cref="MaxLoadSegments"/>).</summary>
    public readonly int SegmentCount => _segmentCount;

    /// <summary>Lowest loaded page as linked (page aligned).</summary>
    public readonly ulong LinkStart => _linkStart;

    /// <summary>End of the highest loaded page as linked (page aligned, exclusive).</summary>
    public readonly ulong LinkEnd => _linkEnd;

    /// <summary><see cref="LinkEnd"/> - <see cref="LinkStart"/>: the address range the image needs.</summary>
    public readonly ulong Span => _linkEnd - _linkStart;

    /// <summary>Largest PT_LOAD p_align (at least <see cref="PageSize"/>): a PIE's base must be a multiple of it.</summary>
    public readonly ulong Alignment => _alignment;

    /// <summary>True when the image has a PT_TLS segment.</summary>
    public readonly bool HasTls => _hasTls;

    /// <summary>The TLS template as linked (meaningful when <see cref="HasTls"/>).</summary>
    public readonly ElfTls Tls => _tls;

    /// <summary>PT_GNU_RELRO as linked, rounded to the pages to make read-only once the
    /// relocations are applied (both ends rounded down, as ld.so does); 0 when absent.</summary>
    public readonly ulong RelroStart => _relroStart;

    /// <summary>Length of the RELRO pages; 0 when absent or less than a page.</summary>
    public readonly ulong RelroLength => _relroLength;

    /// <summary>Address of the program headers in the loaded image as linked (for AT_PHDR),
    /// or 0 when no PT_LOAD carries them (they follow the ELF header, so a loaded copy is
    /// never at 0).</summary>
    public readonly ulong ProgramHeaderAddress => _programHeaderAddress;

    /// <summary>e_phnum (for AT_PHNUM; AT_PHENT is 56).</summary>
    public readonly int ProgramHeaderCount => _programHeaderCount;

    /// <summary>PT_GNU_STACK p_memsz: a stack size the program asks for, or 0 (kernel default).</summary>
    public readonly ulong StackSize => _stackSize;

    /// <summary>Length of the file that was parsed.</summary>
    public readonly ulong FileLength => _fileLength;

    /// <summary>Number of R_X86_64_RELATIVE relocations (DT_RELA table, then DT_JMPREL table).</summary>
    public readonly int RelocationCount => _relaCount + _pltCount;

    /// <summary>PT_LOAD segment <paramref name="index"/> (ascending addresses) as linked.</summary>
    public readonly ElfSegment Segment(int index)
    {
        if ((uint)index >= (uint)_segmentCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "segment index out of range");
        }

        return _segments[index];
    }

    /// <summary>Rounds up to a page; callers keep <paramref name="value"/> below 2^63.</summary>
    public static ulong PageRoundUp(ulong value)
    {
        return (value + (PageSize - 1)) & ~(PageSize - 1);
    }

    /// <summary>
    /// Validates <paramref name="file"/> completely. On <see cref="ElfStatus.Ok"/>
    /// <paramref name="image"/> describes it; on any other status the file is refused and
    /// <paramref name="image"/> is empty. Never reads outside <paramref name="file"/>.
    /// </summary>
    public static ElfStatus TryParse(ReadOnlySpan<byte> file, out ElfImage image)
    {
        image = default;
        ElfStatus status = image.Parse(new ElfReader(file));
        if (status != ElfStatus.Ok)
        {
            image = default;
        }

        return status;
    }

    /// <summary>Places the image at <paramref name="loadBase"/> inside the default window
    /// [<see cref="MinimumAddress"/>, <see cref="UserAddressLimit"/>).</summary>
    public readonly ElfStatus TryCreatePlan(ulong loadBase, out ElfLoadPlan plan)
    {
        return TryCreatePlan(loadBase, MinimumAddress, UserAddressLimit, out plan);
    }

    /// <summary>
    /// Places the image at <paramref name="loadBase"/> (0 for <see cref="ElfKind.Executable"/>;
    /// a multiple of <see cref="Alignment"/> for a PIE) and checks that every loaded page is in
    /// [<paramref name="windowStart"/>, <paramref name="windowEnd"/>) (the end is capped at
    /// <see cref="UserAddressLimit"/>).
    /// </summary>
    public readonly ElfStatus TryCreatePlan(ulong loadBase, ulong windowStart, ulong windowEnd, out ElfLoadPlan plan)
    {
        plan = default;
        if (_segmentCount == 0)
        {
            return ElfStatus.NoLoadSegments;
        }

        bool baseOk = _kind == ElfKind.Executable ? loadBase == 0 : (loadBase & (_alignment - 1)) == 0;
        if (!baseOk)
        {
            return ElfStatus.BadLoadBase;
        }

        if (windowEnd > UserAddressLimit)
        {
            windowEnd = UserAddressLimit;
        }

        // base + LinkEnd <= windowEnd, written so nothing overflows; then base + LinkStart
        // cannot overflow either.
        if (windowEnd < _linkEnd || loadBase > windowEnd - _linkEnd || loadBase + _linkStart < windowStart)
        {
            return ElfStatus.AddressOutOfRange;
        }

        plan = new ElfLoadPlan(in this, loadBase);
        return ElfStatus.Ok;
    }

    /// <summary>
    /// Picks a load base from <paramref name="randomBits"/> such that the whole image fits in
    /// [<paramref name="windowStart"/>, <paramref name="windowEnd"/>): uniformly among the
    /// <see cref="Alignment"/>-aligned bases that fit (up to the bias of a modulo). 0 for
    /// ET_EXEC (after checking it fits). <see cref="ElfStatus.AddressOutOfRange"/> when nothing fits.
    /// </summary>
    public readonly ElfStatus TryChooseBase(ulong randomBits, ulong windowStart, ulong windowEnd, out ulong loadBase)
    {
        loadBase = 0;
        if (_segmentCount == 0)
        {
            return ElfStatus.NoLoadSegments;
        }

        if (windowEnd > UserAddressLimit)
        {
            windowEnd = UserAddressLimit;
        }

        if (windowStart >= windowEnd || windowEnd < _linkEnd)
        {
            return ElfStatus.AddressOutOfRange;
        }

        if (_kind == ElfKind.Executable)
        {
            return _linkStart >= windowStart ? ElfStatus.Ok : ElfStatus.AddressOutOfRange;
        }

        ulong mask = _alignment - 1;
        ulong highest = (windowEnd - _linkEnd) & ~mask;
        // windowStart < 2^47 here, so rounding up cannot overflow.
        ulong lowest = windowStart > _linkStart ? ((windowStart - _linkStart) + mask) & ~mask : 0;
        if (lowest > highest)
        {
            return ElfStatus.AddressOutOfRange;
        }

        ulong slots = ((highest - lowest) / _alignment) + 1;
        loadBase = lowest + ((randomBits % slots) * _alignment);
        return ElfStatus.Ok;
    }

    /// <summary>Relocation <paramref name="index"/> read again from <paramref name="file"/>
    /// (which must be the parsed file) and checked again, with <paramref name="loadBase"/> applied.</summary>
    internal readonly ElfStatus ReadRelocation(ReadOnlySpan<byte> file, int index, ulong loadBase, out ElfRelocation relocation)
    {
        relocation = default;
        if ((ulong)file.Length != _fileLength || index < 0 || index >= RelocationCount)
        {
            return ElfStatus.FileMismatch;
        }

        ulong entry = index < _relaCount
            ? _relaOffset + ((ulong)index * ElfFormat.RelaEntrySize)
            : _pltOffset + ((ulong)(index - _relaCount) * ElfFormat.RelaEntrySize);
        var reader = new ElfReader(file);
        if (!reader.Contains(entry, ElfFormat.RelaEntrySize))
        {
            return ElfStatus.FileMismatch;
        }

        return CheckRelocation(reader, entry, loadBase, out relocation);
    }

    private ElfStatus Parse(ElfReader reader)
    {
        _fileLength = reader.Length;
        ElfStatus status = ParseHeader(reader, out ulong phoff, out int phnum);
        if (status != ElfStatus.Ok)
        {
            return status;
        }

        return ParseProgramHeaders(reader, phoff, phnum);
    }

    private ElfStatus ParseHeader(ElfReader reader, out ulong phoff, out int phnum)
    {
        phoff = 0;
        phnum = 0;
        if (!reader.Contains(0, 4) || reader.U32(0) != 0x464C457F)
        {
            return ElfStatus.BadMagic;
        }

        if (!reader.Contains(0, ElfFormat.HeaderSize))
        {
            return ElfStatus.TruncatedHeader;
        }

        if (Byte(reader, ElfFormat.IdentClass) != ElfFormat.Class64)
        {
            return ElfStatus.NotElf64;
        }

        if (Byte(reader, ElfFormat.IdentData) != ElfFormat.Data2Lsb)
        {
            return ElfStatus.NotLittleEndian;
        }

        if (Byte(reader, ElfFormat.IdentVersion) != 1 || reader.U32(ElfFormat.Version) != 1)
        {
            return ElfStatus.BadVersion;
        }

        byte osAbi = Byte(reader, ElfFormat.IdentOsAbi);
        if ((osAbi != ElfFormat.OsAbiSystemV && osAbi != ElfFormat.OsAbiGnu) || Byte(reader, ElfFormat.IdentAbiVersion) != 0)
        {
            return ElfStatus.UnsupportedOsAbi;
        }

        ushort type = reader.U16(ElfFormat.Type);
        if (type == ElfFormat.TypeExec)
        {
            _kind = ElfKind.Executable;
        }
        else if (type == ElfFormat.TypeDyn)
        {
            _kind = ElfKind.PositionIndependent;
        }
        else
        {
            return ElfStatus.UnsupportedType;
        }

        if (reader.U16(ElfFormat.Machine) != ElfFormat.MachineX86_64)
        {
            return ElfStatus.NotX86_64;
        }

        if (reader.U32(ElfFormat.Flags) != 0)
        {
            return ElfStatus.BadFlags;
        }

        if (reader.U16(ElfFormat.EhSize) != ElfFormat.HeaderSize)
        {
            return ElfStatus.BadHeaderSize;
        }

        if (reader.U16(ElfFormat.PhEntSize) != ElfFormat.ProgramHeaderSize)
        {
            return ElfStatus.BadProgramHeaderSize;
        }

        ElfStatus status = CheckSectionHeaders(reader);
        if (status != ElfStatus.Ok)
        {
            return status;
        }

        ushort count = reader.U16(ElfFormat.PhNum);
        if (count == 0)
        {
            return ElfStatus.NoLoadSegments;
        }

        if (count == ElfFormat.ExtendedNumbering || count > MaxProgramHeaders)
        {
            return ElfStatus.TooManyProgramHeaders;
        }

        phoff = reader.U64(ElfFormat.PhOff);
        // Program headers inside the ELF header would be read from its own fields.
        if (phoff < ElfFormat.HeaderSize || !reader.Contains(phoff, (ulong)count * ElfFormat.ProgramHeaderSize))
        {
            return ElfStatus.ProgramHeadersOutsideFile;
        }

        phnum = count;
        _entry = reader.U64(ElfFormat.Entry);
        return ElfStatus.Ok;
    }

    private static ElfStatus CheckSectionHeaders(ElfReader reader)
    {
        // The loader does not use sections, but a header that lies about them is corrupt.
        ulong shoff = reader.U64(ElfFormat.ShOff);
        ushort entrySize = reader.U16(ElfFormat.ShEntSize);
        ushort count = reader.U16(ElfFormat.ShNum);
        ushort names = reader.U16(ElfFormat.ShStrNdx);
        if (count == 0)
        {
            // No section table (stripped), or extended numbering (count in section 0),
            // which a service never needs: refused.
            bool ok = shoff == 0 && names == 0 && (entrySize == 0 || entrySize == ElfFormat.SectionHeaderSize);
            return ok ? ElfStatus.Ok : ElfStatus.BadSectionHeaderTable;
        }

        if (entrySize != ElfFormat.SectionHeaderSize || shoff == 0 ||
            !reader.Contains(shoff, (ulong)count * ElfFormat.SectionHeaderSize) || names >= count)
        {
            return ElfStatus.BadSectionHeaderTable;
        }

        return ElfStatus.Ok;
    }

    private ElfStatus ParseProgramHeaders(ElfReader reader, ulong phoff, int phnum)
    {
        _alignment = PageSize;
        _programHeaderCount = phnum;
        bool hasDynamic = false, hasStack = false, hasRelro = false;
        ulong dynamicOffset = 0, dynamicSize = 0;
        ulong tlsHeader = 0, relroVaddr = 0, relroSize = 0;

        for (int i = 0; i < phnum; i++)
        {
            ulong header = phoff + ((ulong)i * ElfFormat.ProgramHeaderSize);
            uint type = reader.U32(header + ElfFormat.PType);
            uint flags = reader.U32(header + ElfFormat.PFlags);
            ulong offset = reader.U64(header + ElfFormat.POffset);
            ulong vaddr = reader.U64(header + ElfFormat.PVaddr);
            ulong filesz = reader.U64(header + ElfFormat.PFilesz);
            ulong memsz = reader.U64(header + ElfFormat.PMemsz);
            ulong align = reader.U64(header + ElfFormat.PAlign);
            ElfStatus status = ElfStatus.Ok;
            switch (type)
            {
                case ElfFormat.PtLoad:
                    status = AddLoadSegment(reader, flags, offset, vaddr, filesz, memsz, align);
                    break;
                case ElfFormat.PtDynamic:
                    if (hasDynamic)
                    {
                        return ElfStatus.DuplicateSegment;
                    }

                    hasDynamic = true;
                    dynamicOffset = offset;
                    dynamicSize = filesz;
                    break;
                case ElfFormat.PtInterp:
                    return ElfStatus.NeedsInterpreter;
                case ElfFormat.PtShlib:
                    return ElfStatus.UnsupportedSegmentType;
                case ElfFormat.PtTls:
                    if (_hasTls)
                    {
                        return ElfStatus.DuplicateSegment;
                    }

                    _hasTls = true;
                    tlsHeader = header;
                    break;
                case ElfFormat.PtGnuStack:
                    if (hasStack)
                    {
                        return ElfStatus.DuplicateSegment;
                    }

                    hasStack = true;
                    if ((flags & ElfFormat.PfX) != 0)
                    {
                        return ElfStatus.ExecutableStack;
                    }

                    _stackSize = memsz;
                    break;
                case ElfFormat.PtGnuRelro:
                    if (hasRelro)
                    {
                        return ElfStatus.DuplicateSegment;
                    }

                    hasRelro = true;
                    relroVaddr = vaddr;
                    relroSize = memsz;
                    break;
                default:
                    // PT_NULL, PT_NOTE, PT_PHDR, PT_GNU_EH_FRAME, PT_GNU_PROPERTY and other
                    // OS/processor types carry nothing the loader needs.
                    break;
            }

            if (status != ElfStatus.Ok)
            {
                return status;
            }
        }

        if (_segmentCount == 0)
        {
            return ElfStatus.NoLoadSegments;
        }

        if (_kind == ElfKind.Executable && _linkStart < MinimumAddress)
        {
            return ElfStatus.AddressOutOfRange;
        }

        if (!InSegment(_entry, 1, ElfProtection.Execute, fileBacked: true))
        {
            return ElfStatus.EntryNotExecutable;
        }

        if (_hasTls)
        {
            ElfStatus status = ParseTls(reader, tlsHeader);
            if (status != ElfStatus.Ok)
            {
                return status;
            }
        }

        if (hasRelro && relroSize != 0)
        {
            // ld.lld pads RELRO to the end of its page, past p_memsz: accept any range
            // inside the pages of one writable segment.
            if (!InWritablePages(relroVaddr, relroSize))
            {
                return ElfStatus.BadRelro;
            }

            _relroStart = relroVaddr & ~(PageSize - 1);
            _relroLength = ((relroVaddr + relroSize) & ~(PageSize - 1)) - _relroStart;
            if (_relroLength == 0)
            {
                _relroStart = 0;
            }
        }

        FindProgramHeaders(phoff, (ulong)phnum * ElfFormat.ProgramHeaderSize);

        if (hasDynamic)
        {
            return ParseDynamic(reader, dynamicOffset, dynamicSize);
        }

        return ElfStatus.Ok;
    }

    private ElfStatus AddLoadSegment(ElfReader reader, uint flags, ulong offset, ulong vaddr, ulong filesz, ulong memsz, ulong align)
    {
        if ((flags & ElfFormat.PfW) != 0 && (flags & ElfFormat.PfX) != 0)
        {
            return ElfStatus.WritableAndExecutableSegment;
        }

        if (filesz > memsz)
        {
            return ElfStatus.FileSizeExceedsMemorySize;
        }

        if (!reader.Contains(offset, filesz))
        {
            return ElfStatus.SegmentOutsideFile;
        }

        if (align <= 1)
        {
            align = PageSize;
        }
        else if (!BitOperations.IsPow2(align) || align < PageSize || align > MaxImageSpan)
        {
            return ElfStatus.BadSegmentAlignment;
        }

        if ((vaddr & (align - 1)) != (offset & (align - 1)))
        {
            return ElfStatus.MisalignedSegment;
        }

        if (vaddr >= UserAddressLimit || memsz > UserAddressLimit - vaddr)
        {
            return ElfStatus.AddressOutOfRange;
        }

        if (memsz == 0)
        {
            return ElfStatus.Ok; // nothing to map
        }

        if (_segmentCount == MaxLoadSegments)
        {
            return ElfStatus.TooManyLoadSegments;
        }

        // vaddr + memsz <= 2^47, so the rounding below cannot overflow.
        ulong start = vaddr & ~(PageSize - 1);
        ulong end = PageRoundUp(vaddr + memsz);
        if (_segmentCount == 0)
        {
            _linkStart = start;
        }
        else
        {
            ElfSegment previous = _segments[_segmentCount - 1];
            if (vaddr < previous.VirtualAddress)
            {
                return ElfStatus.SegmentsNotSorted;
            }

            if (start < PageRoundUp(previous.VirtualAddress + previous.MemorySize))
            {
                return ElfStatus.OverlappingSegments;
            }
        }

        if (end - _linkStart > MaxImageSpan)
        {
            return ElfStatus.ImageTooLarge;
        }

        _linkEnd = end;
        if (align > _alignment)
        {
            _alignment = align;
        }

        ElfProtection protection = ElfProtection.None;
        if ((flags & ElfFormat.PfR) != 0)
        {
            protection |= ElfProtection.Read;
        }

        if ((flags & ElfFormat.PfW) != 0)
        {
            protection |= ElfProtection.Write;
        }

        if ((flags & ElfFormat.PfX) != 0)
        {
            protection |= ElfProtection.Execute;
        }

        _segments[_segmentCount] = new ElfSegment(vaddr, memsz, offset, filesz, protection);
        _segmentCount++;
        return ElfStatus.Ok;
    }

    private ElfStatus ParseTls(ElfReader reader, ulong header)
    {
        ulong offset = reader.U64(header + ElfFormat.POffset);
        ulong vaddr = reader.U64(header + ElfFormat.PVaddr);
        ulong filesz = reader.U64(header + ElfFormat.PFilesz);
        ulong memsz = reader.U64(header + ElfFormat.PMemsz);
        ulong align = reader.U64(header + ElfFormat.PAlign);
        if (filesz > memsz || memsz > MaxTlsSize || !reader.Contains(offset, filesz))
        {
            return ElfStatus.BadTls;
        }

        if (align <= 1)
        {
            align = 1;
        }
        else if (!BitOperations.IsPow2(align) || align > MaxTlsAlignment)
        {
            return ElfStatus.BadTls;
        }

        if (filesz == 0)
        {
            _tls = new ElfTls(0, offset, 0, memsz, align);
            return ElfStatus.Ok;
        }

        // The initialised template must be loaded bytes, and the same bytes as the file's.
        for (int i = 0; i < _segmentCount; i++)
        {
            ElfSegment segment = _segments[i];
            if (segment.ContainsFileBytes(vaddr, filesz) && vaddr - segment.VirtualAddress == offset - segment.FileOffset)
            {
                _tls = new ElfTls(vaddr, offset, filesz, memsz, align);
                return ElfStatus.Ok;
            }
        }

        return ElfStatus.BadTls;
    }

    private void FindProgramHeaders(ulong phoff, ulong size)
    {
        for (int i = 0; i < _segmentCount; i++)
        {
            ElfSegment segment = _segments[i];
            if (phoff >= segment.FileOffset && phoff - segment.FileOffset <= segment.FileSize &&
                size <= segment.FileSize - (phoff - segment.FileOffset))
            {
                _programHeaderAddress = segment.VirtualAddress + (phoff - segment.FileOffset);
                return;
            }
        }
    }

    /// <summary>True when [address, address + length) lies in one segment that has
    /// <paramref name="required"/> protection (in its file bytes when <paramref name="fileBacked"/>).</summary>
    private readonly bool InSegment(ulong address, ulong length, ElfProtection required, bool fileBacked)
    {
        for (int i = 0; i < _segmentCount; i++)
        {
            ElfSegment segment = _segments[i];
            if ((segment.Protection & required) != required)
            {
                continue;
            }

            if (fileBacked ? segment.ContainsFileBytes(address, length) : segment.ContainsMemory(address, length))
            {
                return true;
            }
        }

        return false;
    }

    private readonly bool InWritablePages(ulong address, ulong length)
    {
        for (int i = 0; i < _segmentCount; i++)
        {
            ElfSegment segment = _segments[i];
            ulong start = segment.MapStart;
            ulong size = segment.MapLength;
            if ((segment.Protection & ElfProtection.Write) != 0 && address >= start &&
                address - start <= size && length <= size - (address - start))
            {
                return true;
            }
        }

        return false;
    }

    private static byte Byte(ElfReader reader, int offset)
    {
        reader.TryByte((ulong)offset, out byte value);
        return value;
    }
}
