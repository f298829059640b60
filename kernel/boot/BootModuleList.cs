using System;
using System.Buffers.Binary;

namespace Microkernel.Boot;

/// <summary>
/// Reads a boot protocol's module list into <see cref="BootInfo"/>. Multiboot1 and PVH lay
/// an entry out differently (<see cref="EntryLayout"/>) but keep the same rules, written
/// once here: the list is recorded as boot data, at most <see cref="BootInfo.MaxModules"/>
/// entries are kept (the rest counted as dropped), every entry is read through the reader,
/// a module whose end would precede its start is malformed, and an unreadable command line
/// is dropped with a warning.
/// </summary>
internal static class BootModuleList
{
    /// <summary>How one protocol lays out one entry of its module list.</summary>
    internal enum EntryLayout
    {
        /// <summary>Multiboot 0.6.96: mod_start, mod_end, string, reserved (u32 each).</summary>
        Multiboot1,

        /// <summary>Xen <c>hvm_modlist_entry</c>: paddr, size, cmdline_paddr, reserved (u64 each).</summary>
        Pvh,
    }

    /// <summary>Bytes of one entry in <paramref name="layout"/>.</summary>
    internal static int EntrySize(EntryLayout layout)
    {
        return layout == EntryLayout.Pvh ? PvhStartInfoParser.ModuleEntrySize : 16;
    }

    /// <summary>
    /// Reads <paramref name="count"/> entries of <paramref name="layout"/> at
    /// <paramref name="listAddress"/> into <paramref name="info"/>, combining what it finds
    /// into <paramref name="status"/>. A list that would wrap past 2^64 is unreadable and not
    /// recorded.
    /// </summary>
    internal static BootParseStatus Read<TReader>(ref TReader memory, ulong listAddress, uint count, EntryLayout layout, ref BootInfo info, BootParseStatus status)
        where TReader : struct, IPhysicalMemoryReader
    {
        int entrySize = EntrySize(layout);
        ulong listLength = (ulong)count * (ulong)entrySize;
        if (listLength > ulong.MaxValue - listAddress)
        {
            return BootParseStatusRules.Combine(status, BootParseStatus.UnreadableModules);
        }

        info.ModuleListAddress = listAddress;
        info.ModuleListLength = listLength;

        uint kept = Math.Min(count, (uint)BootInfo.MaxModules);
        if (count > kept)
        {
            info.DroppedModules = count - kept;
            status = BootParseStatusRules.Combine(status, BootParseStatus.TooManyModules);
        }

        Span<byte> entry = stackalloc byte[EntrySize(EntryLayout.Pvh)];
        entry = entry.Slice(0, entrySize);
        for (uint i = 0; i < kept; i++)
        {
            if (!memory.TryRead(listAddress + ((ulong)i * (ulong)entrySize), entry))
            {
                return BootParseStatusRules.Combine(status, BootParseStatus.UnreadableModules);
            }

            if (!TryDecode(entry, layout, out ulong start, out ulong end, out ulong cmdline))
            {
                return BootParseStatusRules.Combine(status, BootParseStatus.MalformedEntry);
            }

            ulong cmdlineLength = 0;
            if (cmdline != 0 && !BootInfoStrings.TryMeasure(ref memory, cmdline, BootInfo.MaxCommandLineLength, out cmdlineLength))
            {
                status = BootParseStatusRules.Combine(status, BootParseStatus.UnreadableCommandLine);
                cmdline = 0;
                cmdlineLength = 0;
            }

            info.AddModule(new BootModule(start, end, cmdline, cmdlineLength));
        }

        return status;
    }

    /// <summary>
    /// One entry's module range and command-line address; false when the range is
    /// malformed (a Multiboot1 end before its start, a PVH size that wraps past 2^64).
    /// </summary>
    private static bool TryDecode(ReadOnlySpan<byte> entry, EntryLayout layout, out ulong start, out ulong end, out ulong cmdline)
    {
        if (layout == EntryLayout.Pvh)
        {
            start = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(8));
            cmdline = BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(16));
            end = start + size;
            return size <= ulong.MaxValue - start;
        }

        start = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        end = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(4));
        cmdline = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(8));
        return end >= start;
    }
}
