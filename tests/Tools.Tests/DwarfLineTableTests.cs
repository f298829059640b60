using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

public class DwarfLineTableTests
{
    private static (BuiltFixture Fx, DwarfLineTable Lines) Load(string variant)
    {
        BuiltFixture fx = GccFixture.Get(variant);
        return (fx, DwarfLineTable.FromElf(ElfFile.Load(fx.ElfPath)));
    }

    [Theory]
    [InlineData("dwarf4", 4)]
    [InlineData("dwarf5", 5)]
    [InlineData("dwarf5-zlib", 5)]
    public void Decodes_every_unit_with_the_requested_version(string variant, int version)
    {
        (BuiltFixture _, DwarfLineTable? lines) = Load(variant);
        Assert.Empty(lines.Warnings);
        Assert.Equal(3, lines.UnitVersions.Count); // fixture.c, fixture_b.c, fixture_asm.S
        Assert.Contains(version, lines.UnitVersions);
        Assert.All(lines.UnitVersions.Take(2), v => Assert.Equal(version, v));
    }

    [Theory]
    [InlineData("dwarf4")]
    [InlineData("dwarf5")]
    [InlineData("dwarf5-zlib")]
    public void Known_addresses_map_to_known_lines(string variant)
    {
        (BuiltFixture? fx, DwarfLineTable? lines) = Load(variant);

        SourceLocation? fault = lines.Lookup(fx["fault_insn"]);
        Assert.NotNull(fault);
        Assert.EndsWith("/fixtures/fixture.c", fault!.Value.File, StringComparison.Ordinal);
        Assert.Equal(GccFixture.FaultLine, fault.Value.Line);

        Assert.Equal(GccFixture.CallLine, lines.Lookup(fx["after_call"] - 1)?.Line);
        Assert.Equal(GccFixture.AfterCallLine, lines.Lookup(fx["after_call"])?.Line);

        SourceLocation? second = lines.Lookup(fx["second_unit_function"]);
        Assert.EndsWith("/fixtures/fixture_b.c", second!.Value.File, StringComparison.Ordinal);
        Assert.Equal(3, second.Value.Line); // the opening brace line of second_unit_function

        Assert.Null(lines.Lookup(0x42));
    }

    /// <summary>Every byte of .text gives the same file and line as binutils' addr2line.</summary>
    [Theory]
    [InlineData("dwarf4")]
    [InlineData("dwarf5")]
    public void Agrees_with_addr2line_on_every_text_address(string variant)
    {
        (BuiltFixture? fx, DwarfLineTable? lines) = Load(variant);
        ElfSection text = ElfFile.Load(fx.ElfPath).FindSection(".text")!;
        var addresses = new List<ulong>();
        for (ulong a = text.Address; a < text.Address + text.Size; a++)
        {
            addresses.Add(a);
        }

        string args = $"-e \"{fx.ElfPath}\" " + string.Join(' ', addresses.Select(a => "0x" + a.ToString("x", CultureInfo.InvariantCulture)));
        string[] expected = GccFixture.Run("addr2line", args).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(addresses.Count, expected.Length);

        for (int i = 0; i < addresses.Count; i++)
        {
            string e = expected[i];
            int paren = e.IndexOf(" (", StringComparison.Ordinal);
            if (paren >= 0)
            {
                e = e[..paren]; // " (discriminator N)"
            }

            SourceLocation? got = lines.Lookup(addresses[i]);
            string actual = got is { } l ? $"{l.File}:{l.Line}" : "??:0";
            if (e.EndsWith(":?", StringComparison.Ordinal) || e.EndsWith(":0", StringComparison.Ordinal))
            {
                Assert.True(got is null || got.Value.Line == 0, $"0x{addresses[i]:x}: addr2line unknown, we said {actual}");
            }
            else
            {
                Assert.True(e == actual, $"0x{addresses[i]:x}: addr2line {e}, we said {actual}");
            }
        }
    }

    [Fact]
    public void Corrupt_unit_is_skipped_with_a_warning_not_an_exception()
    {
        var elf = ElfFile.Load(GccFixture.Get("dwarf5").ElfPath);
        byte[] line = elf.GetSectionData(".debug_line"), lineStr = elf.GetSectionData(".debug_line_str");
        byte[] bad = (byte[])line.Clone();
        bad[4] = 9; // version 9: unsupported
        var t = DwarfLineTable.Parse(bad, lineStr);
        Assert.Contains(t.Warnings, w => w.Contains("unsupported .debug_line version 9", StringComparison.Ordinal));
        Assert.Equal(2, t.UnitVersions.Count); // the other two units still decode

        var truncated = DwarfLineTable.Parse(line.AsSpan(0, line.Length - 10).ToArray(), lineStr);
        Assert.Contains(truncated.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));

        var garbage = DwarfLineTable.Parse(new byte[] { 0xff, 0xff, 0xff, 0xff, 1, 2, 3 });
        Assert.NotEmpty(garbage.Warnings);
        Assert.Null(garbage.Lookup(0x100000));
    }

    [Fact]
    public void Hand_assembled_dwarf4_program_with_define_file_and_special_opcodes()
    {
        // A minimal DWARF 4 unit: include dir "src", file "a.cs" in dir 1, then
        // set_address 0x200000, advance_line +9 (line 10), copy, special opcode
        // (+4 bytes, +1 line), define_file "b.cs", set_file 2, advance_pc 6, copy, end_sequence at +16.
        var body = new List<byte>();
        body.AddRange(new byte[] { 4, 0 });             // version 4
        var header = new List<byte>
        {
            1, 1, 1, unchecked((byte)-5), 14, 13,       // min_inst, max_ops, default_is_stmt, line_base, line_range, opcode_base
            0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,          // standard_opcode_lengths
        };
        header.AddRange("src\0\0"u8.ToArray());
        header.AddRange("a.cs\0"u8.ToArray()); header.AddRange(new byte[] { 1, 0, 0 });
        header.Add(0);
        body.AddRange(BitConverter.GetBytes((uint)header.Count));
        body.AddRange(header);
        body.AddRange(new byte[] { 0, 9, 2 }); body.AddRange(BitConverter.GetBytes(0x200000UL)); // set_address
        body.AddRange(new byte[] { 3, 9, 1 });                         // advance_line 9; copy -> line 10 @0
        body.Add((byte)(13 + (1 - -5) + 14 * 4));                      // special: addr += 4, line += 1 -> line 11 @4
        body.AddRange(new byte[] { 0, 9, 3 }); body.AddRange("b.cs\0"u8.ToArray()); body.AddRange(new byte[] { 1, 0, 0 }); // define_file
        body.AddRange(new byte[] { 4, 2, 2, 6, 1 });                   // set_file 2, advance_pc 6, copy -> b.cs:11 @10
        body.AddRange(new byte[] { 2, 6, 0, 1, 1 });                   // advance_pc 6, end_sequence @16
        var unit = new List<byte>(BitConverter.GetBytes((uint)body.Count));
        unit.AddRange(body);

        var t = DwarfLineTable.Parse(unit.ToArray());
        Assert.Empty(t.Warnings);
        Assert.Equal(new SourceLocation("src/a.cs", 10, 0), t.Lookup(0x200000));
        Assert.Equal(new SourceLocation("src/a.cs", 10, 0), t.Lookup(0x200003));
        Assert.Equal(new SourceLocation("src/a.cs", 11, 0), t.Lookup(0x200004));
        Assert.Equal(new SourceLocation("src/b.cs", 11, 0), t.Lookup(0x20000f));
        Assert.Null(t.Lookup(0x200010));
    }
}
