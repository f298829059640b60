using System;

namespace Microkernel.Process.Elf;

/// <summary>The dynamic section and relocations of a static PIE.</summary>
public partial struct ElfImage
{
    // Bits of tags seen, to refuse repeats.
    private const uint SeenRela = 1, SeenRelaSize = 2, SeenRelaEntry = 4, SeenJmpRel = 8, SeenPltRelSize = 16, SeenPltRel = 32;

    private ElfStatus ParseDynamic(ElfReader reader, ulong offset, ulong size)
    {
        if (!reader.Contains(offset, size))
        {
            return ElfStatus.BadDynamicSection;
        }

        ulong rela = 0, relaSize = 0, relaEntry = 0, jmpRel = 0, pltRelSize = 0, pltRel = 0;
        uint seen = 0;
        // size lies inside the file, so this walk is bounded by the file length.
        ulong count = size / ElfFormat.DynamicEntrySize;
        for (ulong i = 0; i < count; i++)
        {
            ulong entry = offset + (i * ElfFormat.DynamicEntrySize);
            ulong tag = reader.U64(entry);
            ulong value = reader.U64(entry + 8);
            uint bit = 0;
            switch (tag)
            {
                case ElfFormat.DtNull:
                    i = count; // end of the section
                    continue;
                case ElfFormat.DtNeeded:
                    return ElfStatus.NeedsSharedLibraries;
                case ElfFormat.DtRel:
                case ElfFormat.DtRelr:
                    return ElfStatus.UnsupportedRelocationFormat;
                case ElfFormat.DtRelSz:
                case ElfFormat.DtRelrSz:
                    if (value != 0)
                    {
                        return ElfStatus.UnsupportedRelocationFormat;
                    }

                    continue;
                case ElfFormat.DtRela: bit = SeenRela; rela = value; break;
                case ElfFormat.DtRelaSz: bit = SeenRelaSize; relaSize = value; break;
                case ElfFormat.DtRelaEnt: bit = SeenRelaEntry; relaEntry = value; break;
                case ElfFormat.DtJmpRel: bit = SeenJmpRel; jmpRel = value; break;
                case ElfFormat.DtPltRelSz: bit = SeenPltRelSize; pltRelSize = value; break;
                case ElfFormat.DtPltRel: bit = SeenPltRel; pltRel = value; break;
                default:
                    // Symbol and string tables, hashes, init arrays, flags: the program's own
                    // start-up code uses them, the loader does not.
                    continue;
            }

            if ((seen & bit) != 0)
            {
                return ElfStatus.BadDynamicSection;
            }

            seen |= bit;
        }

        if (relaSize != 0 || (seen & SeenRela) != 0)
        {
            if ((seen & SeenRela) == 0 || (seen & SeenRelaSize) == 0)
            {
                return ElfStatus.BadDynamicSection;
            }

            if (relaEntry != ElfFormat.RelaEntrySize)
            {
                return ElfStatus.UnsupportedRelocationFormat;
            }

            ElfStatus status = LocateRelocations(reader, rela, relaSize, out _relaOffset, out _relaCount);
            if (status != ElfStatus.Ok)
            {
                return status;
            }
        }

        if (pltRelSize != 0)
        {
            if ((seen & SeenJmpRel) == 0)
            {
                return ElfStatus.BadDynamicSection;
            }

            if (pltRel != ElfFormat.DtRela)
            {
                return ElfStatus.UnsupportedRelocationFormat;
            }

            ElfStatus status = LocateRelocations(reader, jmpRel, pltRelSize, out _pltOffset, out _pltCount);
            if (status != ElfStatus.Ok)
            {
                return status;
            }
        }

        return ElfStatus.Ok;
    }

    /// <summary>Finds a relocation table (given by address) in the file and checks every entry.</summary>
    private ElfStatus LocateRelocations(ElfReader reader, ulong address, ulong size, out ulong fileOffset, out int count)
    {
        fileOffset = 0;
        count = 0;
        if (size % ElfFormat.RelaEntrySize != 0)
        {
            return ElfStatus.BadDynamicSection;
        }

        int segmentIndex = -1;
        for (int i = 0; i < _segmentCount; i++)
        {
            if (_segments[i].ContainsFileBytes(address, size))
            {
                segmentIndex = i;
                break;
            }
        }

        if (segmentIndex < 0)
        {
            return ElfStatus.RelocationTableOutsideImage;
        }

        ElfSegment segment = _segments[segmentIndex];
        // Inside the segment's file bytes, which are inside the file: no overflow, and the
        // count fits an int because the file length does.
        ulong offset = segment.FileOffset + (address - segment.VirtualAddress);
        ulong entries = size / ElfFormat.RelaEntrySize;
        for (ulong i = 0; i < entries; i++)
        {
            ElfStatus status = CheckRelocation(reader, offset + (i * ElfFormat.RelaEntrySize), 0, out _);
            if (status != ElfStatus.Ok)
            {
                return status;
            }
        }

        fileOffset = offset;
        count = (int)entries;
        return ElfStatus.Ok;
    }

    /// <summary>Checks the Elf64_Rela at <paramref name="entry"/> (inside the file) and
    /// computes it for <paramref name="loadBase"/>.</summary>
    private readonly ElfStatus CheckRelocation(ElfReader reader, ulong entry, ulong loadBase, out ElfRelocation relocation)
    {
        relocation = default;
        ulong offset = reader.U64(entry);
        ulong info = reader.U64(entry + 8);
        ulong addend = reader.U64(entry + 16);
        if ((uint)info != ElfFormat.RX86_64Relative || (info >> 32) != 0)
        {
            return ElfStatus.UnsupportedRelocation;
        }

        if ((offset & 7) != 0)
        {
            return ElfStatus.MisalignedRelocation;
        }

        if (!InSegment(offset, 8, ElfProtection.Write, fileBacked: false))
        {
            return ElfStatus.RelocationOutsideWritableSegment;
        }

        relocation = new ElfRelocation(loadBase + offset, unchecked(loadBase + addend));
        return ElfStatus.Ok;
    }
}
