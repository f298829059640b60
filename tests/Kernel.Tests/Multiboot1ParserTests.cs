using System;
using System.Text;
using Microkernel.Boot;
using Xunit;

namespace Microkernel.Tests;

public class Multiboot1ParserTests
{
    private static BootParseStatus Parse(MultibootImage image, out BootInfo info, out FakePhysicalMemory memory)
    {
        memory = image.Build();
        info = default;
        BootParseStatus status = Multiboot1Parser.Parse(ref memory, Multiboot1Parser.BootloaderMagic, MultibootImage.InfoAddress, ref info);
        memory.AssertNoOutOfBoundsSuccess();
        return status;
    }

    private static void AssertMap(in BootInfo info, (ulong Base, ulong Length, uint Type)[] expected)
    {
        Assert.Equal(expected.Length, info.MemoryRegionCount);
        for (int i = 0; i < expected.Length; i++)
        {
            MemoryRegion r = info.GetMemoryRegion(i);
            Assert.Equal(expected[i].Base, r.Base);
            Assert.Equal(expected[i].Length, r.Length);
            Assert.Equal(Multiboot1Parser.KindFromType(expected[i].Type), r.Kind);
        }
    }

    [Fact]
    public void Qemu_pc_32M_with_cmdline_and_module()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.Modules.Add((0x200000, 0x2345a7, "init.elf root=1"));
        BootParseStatus status = Parse(image, out BootInfo info, out FakePhysicalMemory memory);

        Assert.Equal(BootParseStatus.Ok, status);
        Assert.Equal(BootProtocol.Multiboot1, info.Protocol);
        AssertMap(info, QemuMaps.Pc32M);
        Assert.Equal(MemoryKind.Usable, info.GetMemoryRegion(3).Kind);
        Assert.Equal(MemoryKind.Reserved, info.GetMemoryRegion(5).Kind);
        Assert.Equal(0UL, info.RsdpAddress);

        Span<byte> cmdline = stackalloc byte[64];
        int n = info.CopyCommandLine(ref memory, cmdline);
        Assert.Equal("console=com1 loglevel=3", Encoding.ASCII.GetString(cmdline.Slice(0, n)));
        Assert.Equal(-1, info.CopyCommandLine(ref memory, cmdline.Slice(0, 5)));

        Assert.Equal(1, info.ModuleCount);
        BootModule module = info.GetModule(0);
        Assert.Equal(0x200000UL, module.Start);
        Assert.Equal(0x2345a7UL, module.End);
        n = info.CopyModuleCommandLine(ref memory, 0, cmdline);
        Assert.Equal("init.elf root=1", Encoding.ASCII.GetString(cmdline.Slice(0, n)));
        Assert.Equal(-1, info.CopyModuleCommandLine(ref memory, 1, cmdline));
    }

    [Fact]
    public void Qemu_pc_4G_keeps_ram_above_4GiB()
    {
        BootParseStatus status = Parse(new MultibootImage().WithMap(QemuMaps.Pc4G), out BootInfo info, out _);
        Assert.Equal(BootParseStatus.Ok, status);
        AssertMap(info, QemuMaps.Pc4G);
        MemoryRegion high = info.GetMemoryRegion(7);
        Assert.Equal(0x100000000UL, high.Base);
        Assert.Equal(0x140000000UL, high.End);
    }

    [Fact]
    public void Larger_entry_size_is_skipped_by_size_field()
    {
        // ACPI 3.0 e820 entries carry an extra attributes dword: size 24.
        var image = new MultibootImage();
        image.MmapEntries.Add(MultibootImage.Entry(0, 0x9fc00, 1, size: 24));
        image.MmapEntries.Add(MultibootImage.Entry(0x100000, 0x1ee0000, 1, size: 24));
        Assert.Equal(BootParseStatus.Ok, Parse(image, out BootInfo info, out _));
        Assert.Equal(2, info.MemoryRegionCount);
        Assert.Equal(0x100000UL, info.GetMemoryRegion(1).Base);
    }

    [Fact]
    public void Zero_length_entries_are_skipped()
    {
        var image = new MultibootImage();
        image.MmapEntries.Add(MultibootImage.Entry(0x5000, 0, 1));
        image.MmapEntries.Add(MultibootImage.Entry(0x100000, 0x1000, 1));
        Assert.Equal(BootParseStatus.Ok, Parse(image, out BootInfo info, out _));
        Assert.Equal(1, info.MemoryRegionCount);
    }

    [Fact]
    public void Bad_magic_reads_nothing()
    {
        FakePhysicalMemory memory = new MultibootImage().WithMap(QemuMaps.Pc32M).Build();
        BootInfo info = default;
        Assert.Equal(BootParseStatus.BadMagic, Multiboot1Parser.Parse(ref memory, 0x36d76289 /* multiboot2 */, MultibootImage.InfoAddress, ref info));
        Assert.Equal(0, memory.Reads);
        Assert.Equal(BootProtocol.None, info.Protocol);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(0x12345678UL)]
    [InlineData(0x9570UL)] // info starts inside the chunk but runs past its end
    [InlineData(ulong.MaxValue - 10)]
    public void Unreadable_info(ulong address)
    {
        FakePhysicalMemory memory = new MultibootImage().WithMap(QemuMaps.Pc32M).Build();
        BootInfo info = default;
        Assert.Equal(BootParseStatus.UnreadableInfo, Multiboot1Parser.Parse(ref memory, Multiboot1Parser.BootloaderMagic, address, ref info));
        memory.AssertNoOutOfBoundsSuccess();
    }

    [Fact]
    public void Flags_without_mmap_or_mem_is_no_memory_map()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.Flags &= ~(Multiboot1Parser.FlagMemoryMap | Multiboot1Parser.FlagMemory);
        Assert.Equal(BootParseStatus.NoMemoryMap, Parse(image, out BootInfo info, out _));
        Assert.Equal(0, info.MemoryRegionCount);
        Assert.True(BootParseStatusRules.IsFatal(BootParseStatus.NoMemoryMap));
    }

    [Fact]
    public void Flags_without_mmap_fall_back_to_mem_lower_upper()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.Flags &= ~Multiboot1Parser.FlagMemoryMap;
        Assert.Equal(BootParseStatus.MemoryMapFromBasicInfo, Parse(image, out BootInfo info, out _));
        Assert.False(BootParseStatusRules.IsFatal(BootParseStatus.MemoryMapFromBasicInfo));
        Assert.Equal(2, info.MemoryRegionCount);
        Assert.Equal(new MemoryRegion(0, 639 * 1024, MemoryKind.Usable), info.GetMemoryRegion(0));
        Assert.Equal(new MemoryRegion(0x100000, 31616UL * 1024, MemoryKind.Usable), info.GetMemoryRegion(1));
    }

    [Fact]
    public void Zero_size_entry_stops_with_malformed_entry()
    {
        var image = new MultibootImage();
        image.MmapEntries.Add(MultibootImage.Entry(0, 0x9fc00, 1));
        byte[] zero = MultibootImage.Entry(0x100000, 0x1000, 1, size: 0);
        image.MmapEntries.Add(zero.AsSpan(0, 24).ToArray());
        image.MmapEntries.Add(MultibootImage.Entry(0x200000, 0x1000, 1));
        image.Cmdline = null;
        BootParseStatus status = Parse(image, out BootInfo info, out FakePhysicalMemory memory);
        Assert.Equal(BootParseStatus.MalformedEntry, status);
        Assert.Equal(1, info.MemoryRegionCount);
        Assert.Equal(4, memory.Reads); // info, size+entry of the first, size of the bad one
    }

    [Fact]
    public void Truncated_last_entry_is_malformed()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.MmapLengthOverride = (uint)((24 * QemuMaps.Pc32M.Length) - 3);
        Assert.Equal(BootParseStatus.MalformedEntry, Parse(image, out BootInfo info, out _));
        Assert.Equal(QemuMaps.Pc32M.Length - 1, info.MemoryRegionCount);
    }

    [Fact]
    public void Trailing_bytes_shorter_than_size_field_are_malformed()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.MmapEntries.Add(new byte[2]);
        Assert.Equal(BootParseStatus.MalformedEntry, Parse(image, out BootInfo info, out _));
        Assert.Equal(QemuMaps.Pc32M.Length, info.MemoryRegionCount);
    }

    [Fact]
    public void Mmap_length_beyond_readable_memory_is_unreadable()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.MmapLengthOverride = 0x10000;
        Assert.Equal(BootParseStatus.UnreadableMemoryMap, Parse(image, out BootInfo info, out _));
        Assert.Equal(QemuMaps.Pc32M.Length, info.MemoryRegionCount);
    }

    [Fact]
    public void Mmap_pointer_outside_memory_is_unreadable()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.MmapAddr = 0xfffffff0;
        Assert.Equal(BootParseStatus.UnreadableMemoryMap, Parse(image, out BootInfo info, out _));
        Assert.Equal(0, info.MemoryRegionCount);
    }

    [Fact]
    public void Too_many_entries_keeps_first_128_and_counts_the_rest()
    {
        var image = new MultibootImage();
        for (int i = 0; i < 200; i++)
        {
            image.MmapEntries.Add(MultibootImage.Entry(0x100000 + ((ulong)i * 0x2000), 0x1000, (uint)(1 + (i % 5))));
        }

        BootParseStatus status = Parse(image, out BootInfo info, out _);
        Assert.Equal(BootParseStatus.TooManyRegions, status);
        Assert.False(BootParseStatusRules.IsFatal(status));
        Assert.Equal(BootInfo.MaxMemoryRegions, info.MemoryRegionCount);
        Assert.Equal(72UL, info.DroppedRegions);
        Assert.Equal(0x100000UL + (127 * 0x2000), info.GetMemoryRegion(127).Base);
    }

    [Fact]
    public void Huge_mmap_length_is_bounded()
    {
        // Thousands of valid-looking zero-length entries: the walk stops after a bounded count.
        var image = new MultibootImage { Cmdline = null };
        for (int i = 0; i < 5000; i++)
        {
            image.MmapEntries.Add(MultibootImage.Entry(0, 0, 1));
        }

        BootParseStatus status = Parse(image, out BootInfo info, out FakePhysicalMemory memory);
        Assert.Equal(BootParseStatus.TooManyRegions, status);
        Assert.Equal(0, info.MemoryRegionCount);
        Assert.True(memory.Reads <= (2 * Multiboot1Parser.MaxEntriesExamined) + 10);
    }

    [Fact]
    public void Region_reaching_past_2_pow_64_is_clamped()
    {
        var image = new MultibootImage();
        image.MmapEntries.Add(MultibootImage.Entry(0xffff_ffff_ffff_0000, 0x20000, 2));
        Assert.Equal(BootParseStatus.Ok, Parse(image, out BootInfo info, out _));
        Assert.Equal(ulong.MaxValue, info.GetMemoryRegion(0).End);
    }

    [Fact]
    public void Too_many_modules_keeps_16()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        for (uint i = 0; i < 20; i++)
        {
            image.Modules.Add((0x300000 + (i * 0x1000), 0x300800 + (i * 0x1000), null));
        }

        BootParseStatus status = Parse(image, out BootInfo info, out _);
        Assert.Equal(BootParseStatus.TooManyModules, status);
        Assert.Equal(16, info.ModuleCount);
        Assert.Equal(4UL, info.DroppedModules);
        Assert.Equal(0x30f000UL, info.GetModule(15).Start);
    }

    [Fact]
    public void Module_list_outside_memory_is_unreadable()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.ModsCountOverride = 3;
        image.ModsAddr = 0x7ff000;
        Assert.Equal(BootParseStatus.UnreadableModules, Parse(image, out BootInfo info, out _));
        Assert.Equal(0, info.ModuleCount);
    }

    [Fact]
    public void Module_ending_before_start_is_malformed()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.Modules.Add((0x300000, 0x200000, null));
        Assert.Equal(BootParseStatus.MalformedEntry, Parse(image, out _, out _));
    }

    [Fact]
    public void Unterminated_cmdline_is_a_warning()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.CmdlinePointer = 0x50000;
        FakePhysicalMemory memory = image.Build();
        memory.Add(0x50000, Encoding.ASCII.GetBytes(new string('a', 300)));
        BootInfo info = default;
        BootParseStatus status = Multiboot1Parser.Parse(ref memory, Multiboot1Parser.BootloaderMagic, MultibootImage.InfoAddress, ref info);
        Assert.Equal(BootParseStatus.UnreadableCommandLine, status);
        Assert.Equal(0UL, info.CommandLineLength);
        Assert.Equal(0UL, info.CommandLineAddress);
        Assert.Equal(QemuMaps.Pc32M.Length, info.MemoryRegionCount);
        memory.AssertNoOutOfBoundsSuccess();
    }

    [Fact]
    public void Cmdline_longer_than_limit_is_a_warning()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.Cmdline = new string('c', (int)BootInfo.MaxCommandLineLength + 1);
        Assert.Equal(BootParseStatus.UnreadableCommandLine, Parse(image, out _, out _));
        image.Cmdline = new string('c', (int)BootInfo.MaxCommandLineLength);
        Assert.Equal(BootParseStatus.Ok, Parse(image, out BootInfo info, out _));
        Assert.Equal(BootInfo.MaxCommandLineLength, info.CommandLineLength);
    }

    [Fact]
    public void Cmdline_ending_right_at_end_of_memory_is_found()
    {
        // 100 bytes + NUL as the very last bytes of a chunk: the 64-byte chunked scan has to
        // fall back to single bytes at the end.
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.CmdlinePointer = 0x60000;
        FakePhysicalMemory memory = image.Build();
        memory.Add(0x60000, MultibootImage.CString(new string('b', 100)));
        BootInfo info = default;
        Assert.Equal(BootParseStatus.Ok, Multiboot1Parser.Parse(ref memory, Multiboot1Parser.BootloaderMagic, MultibootImage.InfoAddress, ref info));
        Assert.Equal(100UL, info.CommandLineLength);
        memory.AssertNoOutOfBoundsSuccess();
    }

    [Fact]
    public void Boot_reservations_cover_structures_strings_and_modules()
    {
        MultibootImage image = new MultibootImage().WithMap(QemuMaps.Pc32M);
        image.Modules.Add((0x200000, 0x2345a7, "init"));
        Parse(image, out BootInfo info, out _);
        Span<MemoryRegion> reservations = stackalloc MemoryRegion[BootInfo.MaxBootReservations];
        int n = info.CollectBootReservations(reservations);
        Assert.Equal(6, n);
        Assert.Equal(new MemoryRegion(MultibootImage.InfoAddress, 116, MemoryKind.BootData), reservations[0]);
        Assert.Equal(new MemoryRegion(MultibootImage.MmapAddress, 24UL * 6, MemoryKind.BootData), reservations[1]);
        Assert.Equal(new MemoryRegion(MultibootImage.ModsAddress, 16, MemoryKind.BootData), reservations[2]);
        Assert.Equal(new MemoryRegion(MultibootImage.CmdlineAddress, 24, MemoryKind.BootData), reservations[3]);
        Assert.Equal(new MemoryRegion(0x200000, 0x345a7, MemoryKind.BootData), reservations[4]);
        Assert.Equal(new MemoryRegion(MultibootImage.ModuleCmdlineAddress, 5, MemoryKind.BootData), reservations[5]);
        Assert.Equal(-1, info.CollectBootReservations(reservations.Slice(0, 3)));
    }
}
