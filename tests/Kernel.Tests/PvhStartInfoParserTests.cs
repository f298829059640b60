using System;
using System.Text;
using Microkernel.Boot;
using Xunit;

namespace Microkernel.Tests;

public class PvhStartInfoParserTests
{
    /// <summary>Firecracker's e820 for a 256 MiB guest: low RAM up to the EBDA, RAM from 1 MiB.</summary>
    private static readonly (ulong, ulong, uint)[] s_firecracker256M =
    {
        (0x0, 0x9fc00, 1),
        (0x100000, 0xff00000, 1),
    };

    private static BootParseStatus Parse(PvhImage image, out BootInfo info, out FakePhysicalMemory memory)
    {
        memory = image.Build();
        info = default;
        BootParseStatus status = PvhStartInfoParser.Parse(ref memory, PvhImage.InfoAddress, ref info);
        memory.AssertNoOutOfBoundsSuccess();
        return status;
    }

    [Fact]
    public void Firecracker_layout_with_module()
    {
        var image = new PvhImage();
        image.Map.AddRange(s_firecracker256M);
        image.Modules.Add((0x1000000, 0x5000, "initrd"));
        BootParseStatus status = Parse(image, out BootInfo info, out FakePhysicalMemory memory);

        Assert.Equal(BootParseStatus.Ok, status);
        Assert.Equal(BootProtocol.Pvh, info.Protocol);
        Assert.Equal(PvhImage.RsdpAddress, info.RsdpAddress);
        Assert.Equal(2, info.MemoryRegionCount);
        Assert.Equal(new MemoryRegion(0x100000, 0xff00000, MemoryKind.Usable), info.GetMemoryRegion(1));
        Assert.Equal((ulong)PvhStartInfoParser.Version1Length, info.InfoLength);
        Assert.Equal(PvhImage.MemmapAddress, info.MemoryMapAddress);
        Assert.Equal(48UL, info.MemoryMapLength);

        Span<byte> text = stackalloc byte[64];
        int n = info.CopyCommandLine(ref memory, text);
        Assert.Equal("console=ttyS0 reboot=k panic=1", Encoding.ASCII.GetString(text.Slice(0, n)));
        Assert.Equal(1, info.ModuleCount);
        Assert.Equal(0x1000000UL, info.GetModule(0).Start);
        Assert.Equal(0x1005000UL, info.GetModule(0).End);
        n = info.CopyModuleCommandLine(ref memory, 0, text);
        Assert.Equal("initrd", Encoding.ASCII.GetString(text.Slice(0, n)));
    }

    [Fact]
    public void Qemu_microvm_4G_map_with_all_types()
    {
        var image = new PvhImage();
        image.Map.AddRange(QemuMaps.Pc4G);
        image.Map.Add((0x140000000, 0x1000, 3));
        image.Map.Add((0x140001000, 0x1000, 4));
        image.Map.Add((0x140002000, 0x1000, 5));
        image.Map.Add((0x140003000, 0x1000, 6));
        image.Map.Add((0x140004000, 0x1000, 7));
        image.Map.Add((0x140005000, 0x1000, 99));
        Assert.Equal(BootParseStatus.Ok, Parse(image, out BootInfo info, out _));
        Assert.Equal(QemuMaps.Pc4G.Length + 6, info.MemoryRegionCount);
        Assert.Equal(new MemoryRegion(0x100000000, 0x40000000, MemoryKind.Usable), info.GetMemoryRegion(7));
        Assert.Equal(MemoryKind.AcpiReclaimable, info.GetMemoryRegion(8).Kind);
        Assert.Equal(MemoryKind.AcpiNvs, info.GetMemoryRegion(9).Kind);
        Assert.Equal(MemoryKind.Bad, info.GetMemoryRegion(10).Kind);
        Assert.Equal(MemoryKind.Reserved, info.GetMemoryRegion(11).Kind);
        Assert.Equal(MemoryKind.Reserved, info.GetMemoryRegion(12).Kind);
        Assert.Equal(MemoryKind.Reserved, info.GetMemoryRegion(13).Kind);
    }

    [Fact]
    public void Version_0_has_no_memory_map_but_keeps_rsdp_and_cmdline()
    {
        var image = new PvhImage { Version = 0 };
        image.Map.AddRange(s_firecracker256M);
        Assert.Equal(BootParseStatus.NoMemoryMap, Parse(image, out BootInfo info, out _));
        Assert.Equal(0, info.MemoryRegionCount);
        Assert.Equal(PvhImage.RsdpAddress, info.RsdpAddress);
        Assert.Equal((ulong)PvhStartInfoParser.Version0Length, info.InfoLength);
        Assert.True(info.CommandLineLength > 0);
    }

    [Fact]
    public void Zero_entries_is_no_memory_map()
    {
        Assert.Equal(BootParseStatus.NoMemoryMap, Parse(new PvhImage(), out _, out _));
    }

    [Fact]
    public void Bad_magic()
    {
        var image = new PvhImage { Magic = 0x336ec579 };
        image.Map.AddRange(s_firecracker256M);
        Assert.Equal(BootParseStatus.BadMagic, Parse(image, out BootInfo info, out FakePhysicalMemory memory));
        Assert.Equal(1, memory.Reads);
        Assert.Equal(BootProtocol.None, info.Protocol);
    }

    [Fact]
    public void Unreadable_info()
    {
        FakePhysicalMemory memory = new PvhImage().Build();
        BootInfo info = default;
        Assert.Equal(BootParseStatus.UnreadableInfo, PvhStartInfoParser.Parse(ref memory, 0x9000, ref info));
        Assert.Equal(BootParseStatus.UnreadableInfo, PvhStartInfoParser.Parse(ref memory, 0, ref info));
        Assert.Equal(BootParseStatus.UnreadableInfo, PvhStartInfoParser.Parse(ref memory, ulong.MaxValue - 8, ref info));
        memory.AssertNoOutOfBoundsSuccess();
    }

    [Fact]
    public void Version_1_header_truncated_is_unreadable()
    {
        // A v1 header needs 0x38 bytes; give only the v0 0x28.
        var image = new PvhImage { Version = 0 };
        FakePhysicalMemory memory = image.Build();
        byte[] bytes = new byte[0x28];
        Assert.True(memory.TryRead(PvhImage.InfoAddress, bytes));
        bytes[4] = 1;
        memory.Add(0x8000, bytes);
        BootInfo info = default;
        Assert.Equal(BootParseStatus.UnreadableInfo, PvhStartInfoParser.Parse(ref memory, 0x8000, ref info));
        memory.AssertNoOutOfBoundsSuccess();
    }

    [Fact]
    public void Memmap_pointer_outside_memory()
    {
        var image = new PvhImage { MemmapPaddr = 0x4000_0000 };
        image.Map.AddRange(s_firecracker256M);
        Assert.Equal(BootParseStatus.UnreadableMemoryMap, Parse(image, out BootInfo info, out _));
        Assert.Equal(0, info.MemoryRegionCount);
    }

    [Fact]
    public void Memmap_wrapping_past_2_pow_64_is_refused_before_reading()
    {
        var image = new PvhImage { MemmapPaddr = ulong.MaxValue - 47 };
        image.Map.AddRange(s_firecracker256M);
        image.EntriesOverride = 3;
        Assert.Equal(BootParseStatus.UnreadableMemoryMap, Parse(image, out BootInfo info, out _));
        Assert.Equal(0, info.MemoryRegionCount);
    }

    [Fact]
    public void Entry_count_past_table_end_is_unreadable_after_valid_entries()
    {
        var image = new PvhImage();
        image.Map.AddRange(s_firecracker256M);
        image.EntriesOverride = 3;
        Assert.Equal(BootParseStatus.UnreadableMemoryMap, Parse(image, out BootInfo info, out _));
        Assert.Equal(2, info.MemoryRegionCount);
    }

    [Fact]
    public void Huge_entry_count_is_bounded()
    {
        var image = new PvhImage();
        for (int i = 0; i < 2000; i++)
        {
            image.Map.Add((0x100000 + ((ulong)i * 0x1000), 0, 1));
        }

        image.EntriesOverride = uint.MaxValue;
        BootParseStatus status = Parse(image, out BootInfo info, out FakePhysicalMemory memory);
        Assert.Equal(BootParseStatus.TooManyRegions, status);
        Assert.Equal(uint.MaxValue - PvhStartInfoParser.MaxEntriesExamined, info.DroppedRegions);
        Assert.True(memory.Reads < 1100);
    }

    [Fact]
    public void Too_many_regions_keeps_128()
    {
        var image = new PvhImage();
        for (int i = 0; i < 130; i++)
        {
            image.Map.Add((0x100000 + ((ulong)i * 0x2000), 0x1000, 1));
        }

        Assert.Equal(BootParseStatus.TooManyRegions, Parse(image, out BootInfo info, out _));
        Assert.Equal(128, info.MemoryRegionCount);
        Assert.Equal(2UL, info.DroppedRegions);
    }

    [Fact]
    public void Module_list_outside_memory()
    {
        var image = new PvhImage { ModuleCountOverride = 2, ModlistPaddr = 0x123000 };
        image.Map.AddRange(s_firecracker256M);
        Assert.Equal(BootParseStatus.UnreadableModules, Parse(image, out BootInfo info, out _));
        Assert.Equal(0, info.ModuleCount);
        Assert.Equal(2, info.MemoryRegionCount);
    }

    [Fact]
    public void Module_size_overflow_is_malformed()
    {
        var image = new PvhImage();
        image.Map.AddRange(s_firecracker256M);
        image.Modules.Add((0xffff_ffff_ffff_f000, 0x2000, null));
        Assert.Equal(BootParseStatus.MalformedEntry, Parse(image, out _, out _));
    }

    [Fact]
    public void Too_many_modules_reads_only_16()
    {
        var image = new PvhImage();
        image.Map.AddRange(s_firecracker256M);
        for (int i = 0; i < 16; i++)
        {
            image.Modules.Add((0x2000000 + ((ulong)i * 0x10000), 0x8000, null));
        }

        image.ModuleCountOverride = 1000; // the list only holds 16; entries past it must not be read
        Assert.Equal(BootParseStatus.TooManyModules, Parse(image, out BootInfo info, out _));
        Assert.Equal(16, info.ModuleCount);
        Assert.Equal(984UL, info.DroppedModules);
    }

    [Fact]
    public void Unreadable_module_cmdline_is_a_warning_and_keeps_module()
    {
        var image = new PvhImage();
        image.Map.AddRange(s_firecracker256M);
        image.Modules.Add((0x2000000, 0x8000, "x"));
        FakePhysicalMemory memory = image.Build();
        // Point the module's cmdline somewhere unreadable.
        byte[] list = new byte[32];
        Assert.True(memory.TryRead(PvhImage.ModlistAddress, list));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(list.AsSpan(16), 0xdead0000);
        var memory2 = new FakePhysicalMemory();
        byte[] infoBytes = new byte[0x38];
        byte[] map = new byte[48];
        Assert.True(memory.TryRead(PvhImage.InfoAddress, infoBytes));
        Assert.True(memory.TryRead(PvhImage.MemmapAddress, map));
        memory2.Add(PvhImage.InfoAddress, infoBytes);
        memory2.Add(PvhImage.MemmapAddress, map);
        memory2.Add(PvhImage.ModlistAddress, list);
        memory2.Add(PvhImage.CmdlineAddress, MultibootImage.CString("console=ttyS0"));
        BootInfo info = default;
        BootParseStatus status = PvhStartInfoParser.Parse(ref memory2, PvhImage.InfoAddress, ref info);
        Assert.Equal(BootParseStatus.UnreadableCommandLine, status);
        Assert.Equal(1, info.ModuleCount);
        Assert.Equal(0UL, info.GetModule(0).CommandLineAddress);
        memory2.AssertNoOutOfBoundsSuccess();
    }

    [Fact]
    public void Fatal_status_beats_earlier_warning()
    {
        Assert.Equal(BootParseStatus.UnreadableModules, BootParseStatusRules.Combine(BootParseStatus.TooManyRegions, BootParseStatus.UnreadableModules));
        Assert.Equal(BootParseStatus.MalformedEntry, BootParseStatusRules.Combine(BootParseStatus.MalformedEntry, BootParseStatus.UnreadableModules));
        Assert.Equal(BootParseStatus.TooManyRegions, BootParseStatusRules.Combine(BootParseStatus.TooManyRegions, BootParseStatus.TooManyModules));
        Assert.Equal(BootParseStatus.TooManyModules, BootParseStatusRules.Combine(BootParseStatus.Ok, BootParseStatus.TooManyModules));
    }
}
