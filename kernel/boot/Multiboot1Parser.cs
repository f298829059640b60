using System;
using System.Buffers.Binary;

namespace Microkernel.Boot;

/// <summary>
/// Parses the Multiboot 0.6.96 <c>multiboot_info</c> structure (QEMU <c>-kernel</c>, GRUB)
/// into a <see cref="BootInfo"/>. Every read goes through the reader and every loop is
/// bounded, so a corrupt structure yields a status, never a fault or a hang.
/// </summary>
public static class Multiboot1Parser
{
    /// <summary>Value a multiboot loader leaves in EAX.</summary>
    public const uint BootloaderMagic = 0x2BADB002;

    /// <summary>flags bit 0: <c>mem_lower</c>/<c>mem_upper</c> are valid.</summary>
    public const uint FlagMemory = 1u << 0;

    /// <summary>flags bit 2: <c>cmdline</c> is valid.</summary>
    public const uint FlagCommandLine = 1u << 2;

    /// <summary>flags bit 3: <c>mods_count</c>/<c>mods_addr</c> are valid.</summary>
    public const uint FlagModules = 1u << 3;

    /// <summary>flags bit 6: <c>mmap_length</c>/<c>mmap_addr</c> are valid.</summary>
    public const uint FlagMemoryMap = 1u << 6;

    /// <summary>Size of the 0.6.96 info structure through the framebuffer fields; what
    /// <see cref="BootInfo.InfoLength"/> reports so the whole structure can be reserved.</summary>
    public const ulong InfoStructureLength = 116;

    /// <summary>Bytes of an mmap entry after its <c>size</c> field that we need:
    /// base_addr (u64), length (u64), type (u32).</summary>
    public const uint MinimumEntrySize = 20;

    /// <summary>Entries examined before giving up; bounds the walk even when
    /// <c>mmap_length</c> is huge (the rest are counted as dropped).</summary>
    public const int MaxEntriesExamined = 1024;

    // Offsets into multiboot_info (all fields little-endian u32).
    private const int OffFlags = 0;
    private const int OffMemLower = 4;
    private const int OffMemUpper = 8;
    private const int OffCmdline = 16;
    private const int OffModsCount = 20;
    private const int OffModsAddr = 24;
    private const int OffMmapLength = 44;
    private const int OffMmapAddr = 48;
    private const int HeaderBytesRead = 52;

    /// <summary>
    /// Parses the structure at <paramref name="infoAddress"/> (EBX at entry) after checking
    /// <paramref name="bootloaderMagic"/> (EAX at entry). <paramref name="info"/> is reset
    /// first and holds whatever could be parsed even when the status is an error.
    /// </summary>
    public static BootParseStatus Parse<TReader>(ref TReader memory, uint bootloaderMagic, ulong infoAddress, ref BootInfo info)
        where TReader : struct, IPhysicalMemoryReader
    {
        info = default;
        if (bootloaderMagic != BootloaderMagic)
        {
            return BootParseStatus.BadMagic;
        }

        Span<byte> header = stackalloc byte[HeaderBytesRead];
        if (infoAddress == 0 || !memory.TryRead(infoAddress, header))
        {
            return BootParseStatus.UnreadableInfo;
        }

        info.Protocol = BootProtocol.Multiboot1;
        info.InfoAddress = infoAddress;
        info.InfoLength = InfoStructureLength;

        uint flags = U32(header, OffFlags);
        BootParseStatus status = BootParseStatus.Ok;

        if ((flags & FlagMemoryMap) != 0 && U32(header, OffMmapLength) != 0)
        {
            status = ParseMemoryMap(ref memory, U32(header, OffMmapAddr), U32(header, OffMmapLength), ref info, status);
        }
        else if ((flags & FlagMemory) != 0)
        {
            // No full map: mem_lower is KiB from 0, mem_upper is KiB from 1 MiB up to the
            // first hole. Both are conservative, so booting from them is safe.
            info.AddRegion(0, (ulong)U32(header, OffMemLower) * 1024, MemoryKind.Usable, ref status);
            info.AddRegion(0x100000, (ulong)U32(header, OffMemUpper) * 1024, MemoryKind.Usable, ref status);
            status = BootParseStatusRules.Combine(status, BootParseStatus.MemoryMapFromBasicInfo);
        }
        else
        {
            status = BootParseStatusRules.Combine(status, BootParseStatus.NoMemoryMap);
        }

        if ((flags & FlagModules) != 0 && U32(header, OffModsCount) != 0)
        {
            status = BootModuleList.Read(ref memory, U32(header, OffModsAddr), U32(header, OffModsCount), BootModuleList.EntryLayout.Multiboot1, ref info, status);
        }

        if ((flags & FlagCommandLine) != 0 && U32(header, OffCmdline) != 0)
        {
            status = BootInfoStrings.ReadCommandLine(ref memory, U32(header, OffCmdline), ref info, status);
        }

        return status;
    }

    /// <summary>Maps a multiboot/E820 memory type to a <see cref="MemoryKind"/>; unknown
    /// types are reserved, as the spec requires.</summary>
    public static MemoryKind KindFromType(uint type)
    {
        return MemoryRegion.KindFromE820Type(type);
    }

    private static BootParseStatus ParseMemoryMap<TReader>(ref TReader memory, uint mapAddress, uint mapLength, ref BootInfo info, BootParseStatus status)
        where TReader : struct, IPhysicalMemoryReader
    {
        info.MemoryMapAddress = mapAddress;
        info.MemoryMapLength = mapLength;

        Span<byte> sizeField = stackalloc byte[4];
        Span<byte> entry = stackalloc byte[(int)MinimumEntrySize];
        ulong offset = 0;
        int examined = 0;
        // Each step advances by at least 4 + MinimumEntrySize bytes, and the count is capped,
        // so the walk ends even for a zero or huge size field.
        while (offset < mapLength)
        {
            if (examined == MaxEntriesExamined)
            {
                info.DroppedRegions += (mapLength - offset) / (4 + MinimumEntrySize);
                return BootParseStatusRules.Combine(status, BootParseStatus.TooManyRegions);
            }

            examined++;
            if (mapLength - offset < 4)
            {
                return BootParseStatusRules.Combine(status, BootParseStatus.MalformedEntry);
            }

            ulong entryAddress = mapAddress + offset;
            if (!memory.TryRead(entryAddress, sizeField))
            {
                return BootParseStatusRules.Combine(status, BootParseStatus.UnreadableMemoryMap);
            }

            // The size field counts the entry after itself, not itself.
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(sizeField);
            if (size < MinimumEntrySize || size > mapLength - offset - 4)
            {
                return BootParseStatusRules.Combine(status, BootParseStatus.MalformedEntry);
            }

            if (!memory.TryRead(entryAddress + 4, entry))
            {
                return BootParseStatusRules.Combine(status, BootParseStatus.UnreadableMemoryMap);
            }

            ulong baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(8));
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(16));
            info.AddRegion(baseAddress, length, KindFromType(type), ref status);
            offset += 4 + (ulong)size;
        }

        return status;
    }

    private static uint U32(ReadOnlySpan<byte> bytes, int offset)
    {
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(offset));
    }
}
