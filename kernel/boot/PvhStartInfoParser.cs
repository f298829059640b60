using System;
using System.Buffers.Binary;

namespace Microkernel.Boot;

/// <summary>
/// Parses Xen's x86 <c>hvm_start_info</c> (PVH entry: QEMU microvm, Firecracker, Xen)
/// into a <see cref="BootInfo"/>. Layout from xen/include/public/arch-x86/hvm/start_info.h;
/// the memory map fields exist from version 1. Every read goes through the reader and
/// every loop is bounded.
/// </summary>
public static class PvhStartInfoParser
{
    /// <summary>XEN_HVM_START_MAGIC_VALUE ("xEn3" with the 0x80 bit of the "E" set).</summary>
    public const uint StartMagic = 0x336ec578;

    /// <summary>Size of the version 0 structure (through <c>rsdp_paddr</c>).</summary>
    public const int Version0Length = 0x28;

    /// <summary>Size of the version 1 structure (adds memmap_paddr, memmap_entries, reserved).</summary>
    public const int Version1Length = 0x38;

    /// <summary>Size of an <c>hvm_modlist_entry</c>: paddr, size, cmdline_paddr, reserved (u64 each).</summary>
    public const int ModuleEntrySize = 32;

    /// <summary>Size of an <c>hvm_memmap_table_entry</c>: addr (u64), size (u64), type (u32), reserved (u32).</summary>
    public const int MemoryMapEntrySize = 24;

    /// <summary>Entries examined before giving up; bounds the walk for a huge
    /// <c>memmap_entries</c> (the rest are counted as dropped).</summary>
    public const uint MaxEntriesExamined = 1024;

    private const int OffMagic = 0x00;
    private const int OffVersion = 0x04;
    private const int OffModuleCount = 0x0c;
    private const int OffModuleList = 0x10;
    private const int OffCmdline = 0x18;
    private const int OffRsdp = 0x20;
    private const int OffMemmap = 0x28;
    private const int OffMemmapEntries = 0x30;

    /// <summary>
    /// Parses the structure at <paramref name="infoAddress"/> (EBX at the PVH entry point).
    /// <paramref name="info"/> is reset first and holds whatever could be parsed even when
    /// the status is an error. Address fields of 0 mean "not present", as the header says.
    /// </summary>
    public static BootParseStatus Parse<TReader>(ref TReader memory, ulong infoAddress, ref BootInfo info)
        where TReader : struct, IPhysicalMemoryReader
    {
        info = default;
        Span<byte> header = stackalloc byte[Version1Length];
        if (infoAddress == 0 || !memory.TryRead(infoAddress, header.Slice(0, Version0Length)))
        {
            return BootParseStatus.UnreadableInfo;
        }

        if (U32(header, OffMagic) != StartMagic)
        {
            return BootParseStatus.BadMagic;
        }

        uint version = U32(header, OffVersion);
        if (version >= 1 && !memory.TryRead(infoAddress + Version0Length, header.Slice(Version0Length)))
        {
            return BootParseStatus.UnreadableInfo;
        }

        info.Protocol = BootProtocol.Pvh;
        info.InfoAddress = infoAddress;
        info.InfoLength = version >= 1 ? (ulong)Version1Length : Version0Length;
        info.RsdpAddress = U64(header, OffRsdp);

        BootParseStatus status = BootParseStatus.Ok;
        ulong mapAddress = version >= 1 ? U64(header, OffMemmap) : 0;
        uint mapEntries = version >= 1 ? U32(header, OffMemmapEntries) : 0;
        if (mapAddress == 0 || mapEntries == 0)
        {
            // Version 0 has no map; the kernel would need a hypercall, which we do not do.
            status = BootParseStatusRules.Combine(status, BootParseStatus.NoMemoryMap);
        }
        else
        {
            status = ParseMemoryMap(ref memory, mapAddress, mapEntries, ref info, status);
        }

        uint moduleCount = U32(header, OffModuleCount);
        ulong moduleList = U64(header, OffModuleList);
        if (moduleCount != 0)
        {
            // Unlike multiboot's, a PVH list address of 0 means "not present" even with a count.
            status = moduleList == 0
                ? BootParseStatusRules.Combine(status, BootParseStatus.UnreadableModules)
                : BootModuleList.Read(ref memory, moduleList, moduleCount, BootModuleList.EntryLayout.Pvh, ref info, status);
        }

        ulong cmdline = U64(header, OffCmdline);
        if (cmdline != 0)
        {
            status = BootInfoStrings.ReadCommandLine(ref memory, cmdline, ref info, status);
        }

        return status;
    }

    /// <summary>Maps an XEN_HVM_MEMMAP_TYPE_* value to a <see cref="MemoryKind"/>:
    /// RAM 1, RESERVED 2, ACPI 3, NVS 4, UNUSABLE 5; DISABLED 6, PMEM 7 and unknown types
    /// are reserved because the kernel must not allocate them.</summary>
    public static MemoryKind KindFromType(uint type)
    {
        return MemoryRegion.KindFromE820Type(type);
    }

    private static BootParseStatus ParseMemoryMap<TReader>(ref TReader memory, ulong mapAddress, uint entries, ref BootInfo info, BootParseStatus status)
        where TReader : struct, IPhysicalMemoryReader
    {
        ulong tableLength = (ulong)entries * MemoryMapEntrySize;
        info.MemoryMapAddress = mapAddress;
        info.MemoryMapLength = tableLength;
        if (tableLength > ulong.MaxValue - mapAddress)
        {
            // The table would wrap past 2^64; entry addresses would alias low memory.
            return BootParseStatusRules.Combine(status, BootParseStatus.UnreadableMemoryMap);
        }

        uint examined = Math.Min(entries, MaxEntriesExamined);
        if (entries > examined)
        {
            info.DroppedRegions += entries - examined;
            status = BootParseStatusRules.Combine(status, BootParseStatus.TooManyRegions);
        }

        Span<byte> entry = stackalloc byte[MemoryMapEntrySize];
        for (uint i = 0; i < examined; i++)
        {
            if (!memory.TryRead(mapAddress + ((ulong)i * MemoryMapEntrySize), entry))
            {
                return BootParseStatusRules.Combine(status, BootParseStatus.UnreadableMemoryMap);
            }

            ulong baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(8));
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(16));
            info.AddRegion(baseAddress, length, KindFromType(type), ref status);
        }

        return status;
    }

    private static uint U32(ReadOnlySpan<byte> bytes, int offset)
    {
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(offset));
    }

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset)
    {
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(offset));
    }
}
