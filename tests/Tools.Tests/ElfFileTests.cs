using System;
using System.Globalization;
using System.IO;
using System.Linq;
using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

public class ElfFileTests
{
    [Theory]
    [InlineData("dwarf4")]
    [InlineData("dwarf5")]
    [InlineData("dwarf5-zlib")]
    public void Parses_header_and_sections_of_gcc_output(string variant)
    {
        BuiltFixture fx = GccFixture.Get(variant);
        var elf = ElfFile.Load(fx.ElfPath);

        Assert.Equal(ElfFile.MachineX86_64, elf.Machine);
        Assert.Equal(2, elf.FileType); // ET_EXEC
        ElfSection? text = elf.FindSection(".text");
        Assert.NotNull(text);
        Assert.Equal(0x100000UL, text!.Address);
        Assert.True(text.IsExecutable);
        Assert.NotNull(elf.FindSection(".debug_line"));
        Assert.Equal(variant.EndsWith("zlib", StringComparison.Ordinal), elf.FindSection(".debug_line")!.IsCompressed);
    }

    [Fact]
    public void Reads_loaded_bytes_at_link_addresses()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        var elf = ElfFile.Load(fx.ElfPath);

        // fault_insn is "movq $2, (%rax)": 48 c7 00 02 00 00 00
        byte[] bytes = elf.ReadLoaded(fx["fault_insn"], 7);
        Assert.Equal(new byte[] { 0x48, 0xc7, 0x00, 0x02, 0x00, 0x00, 0x00 }, bytes);
        Assert.Empty(elf.ReadLoaded(0xdead_0000, 4));
        Assert.Empty(elf.ReadLoaded(fx["counter"], 4)); // .bss has no file bytes
    }

    [Fact]
    public void Decompresses_zlib_debug_sections_to_the_same_bytes()
    {
        var plain = ElfFile.Load(GccFixture.Get("dwarf5").ElfPath);
        var packed = ElfFile.Load(GccFixture.Get("dwarf5-zlib").ElfPath);
        Assert.Equal(plain.GetSectionData(".debug_line"), packed.GetSectionData(".debug_line"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(40)]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(-1)] // all but the last byte
    public void Truncated_elf_gives_a_one_line_error(int length)
    {
        byte[] full = File.ReadAllBytes(GccFixture.Get("dwarf5").ElfPath);
        byte[] cut = full.AsSpan(0, length < 0 ? full.Length + length : length).ToArray();

        ElfFormatException e = Assert.Throws<ElfFormatException>(() => ElfFile.Parse(cut));
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal) || e.Message.Contains("magic", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Rejects_non_elf_and_32_bit_files()
    {
        Assert.Contains("magic", Assert.Throws<ElfFormatException>(() => ElfFile.Parse("hello, world\n"u8.ToArray())).Message, StringComparison.Ordinal);
        byte[] elf32 = new byte[64];
        elf32[0] = 0x7f; elf32[1] = (byte)'E'; elf32[2] = (byte)'L'; elf32[3] = (byte)'F'; elf32[4] = 1; elf32[5] = 1;
        Assert.Contains("64-bit", Assert.Throws<ElfFormatException>(() => ElfFile.Parse(elf32)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_reported_by_name()
    {
        ElfFormatException e = Assert.Throws<ElfFormatException>(() => ElfFile.Load("/nonexistent/dir/kernel.elf"));
        Assert.Equal("ELF file '/nonexistent/dir/kernel.elf' not found", e.Message);
    }

    [Fact]
    public void Load_segments_match_readelf()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        var elf = ElfFile.Load(fx.ElfPath);

        // "  LOAD  0x001000 0x0000000000100000 0x0000000000100000 0x0000a1 0x0000a1 R E 0x1000"
        var expected = GccFixture.Run("readelf", $"-lW \"{fx.ElfPath}\"")
            .Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[0] == "LOAD")
            .Select(f => (VAddr: Hex(f[2]), FileSize: Hex(f[4]), MemSize: Hex(f[5])))
            .ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, elf.LoadSegments.Select(s => (s.VirtualAddress, s.FileSize, s.MemorySize)).ToList());
        ElfSegment text = Assert.Single(elf.LoadSegments, s => s.VirtualAddress <= fx["fault_insn"] && fx["fault_insn"] < s.VirtualAddress + s.MemorySize);
        Assert.Equal(1u, text.Flags & 1); // PF_X

        static ulong Hex(string s) => ulong.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
