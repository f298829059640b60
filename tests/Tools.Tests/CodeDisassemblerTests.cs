using System;
using System.Linq;
using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

public class CodeDisassemblerTests
{
    private static (BuiltFixture Fx, ElfFile Elf, SymbolTable Symbols) Load()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        var elf = ElfFile.Load(fx.ElfPath);
        return (fx, elf, SymbolTable.FromElf(elf));
    }

    [Fact]
    public void Decodes_from_the_function_start_up_to_the_fault_and_past_it()
    {
        (BuiltFixture? fx, ElfFile? elf, SymbolTable? symbols) = Load();
        Disassembly d = CodeDisassembler.Around(elf, symbols, fx["fault_insn"], before: 2, after: 2);

        Assert.Null(d.Note);
        Assert.Equal("fault_here", d.StartSymbol);
        Assert.Equal(5, d.Instructions.Count);
        DisassembledInstruction target = Assert.Single(d.Instructions, i => i.IsTarget);
        Assert.Equal(fx["fault_insn"], target.Address);
        Assert.Equal("mov qword ptr [rax],2", target.Text);
        Assert.Equal(new byte[] { 0x48, 0xc7, 0x00, 0x02, 0x00, 0x00, 0x00 }, target.Bytes);
        Assert.Equal("mov rax,[rbp-8]", d.Instructions[1].Text);   // loads p, just before the store
        Assert.Equal("mov rax,[counter]", d.Instructions[3].Text); // rip-relative operand named by symbol
        // Consecutive: each instruction starts where the previous ended.
        for (int i = 1; i < d.Instructions.Count; i++)
        {
            Assert.Equal(d.Instructions[i - 1].Address + (ulong)d.Instructions[i - 1].Bytes.Length, d.Instructions[i].Address);
        }
    }

    [Fact]
    public void Call_targets_are_named()
    {
        (BuiltFixture? fx, ElfFile? elf, SymbolTable? symbols) = Load();
        Disassembly d = CodeDisassembler.Around(elf, symbols, fx["after_call"], before: 1, after: 0);
        Assert.Equal("call fault_here", d.Instructions[0].Text);
    }

    [Fact]
    public void Address_inside_an_instruction_falls_back_to_decoding_from_it()
    {
        (BuiltFixture? fx, ElfFile? elf, SymbolTable? symbols) = Load();
        Disassembly d = CodeDisassembler.Around(elf, symbols, fx["fault_insn"] + 1, before: 3, after: 1);
        Assert.Contains("did not land", d.Note, StringComparison.Ordinal);
        Assert.Equal(fx["fault_insn"] + 1, d.Instructions[0].Address);
        Assert.True(d.Instructions[0].IsTarget);
    }

    [Fact]
    public void Without_a_symbol_the_listing_starts_at_the_address()
    {
        (BuiltFixture? fx, ElfFile? elf, SymbolTable? symbols) = Load();
        ulong padding = fx["asm_sized"] + 2; // int3 padding between asm_sized and asm_label
        Disassembly d = CodeDisassembler.Around(elf, symbols, padding, before: 3, after: 1);
        Assert.Contains("no symbol covers", d.Note, StringComparison.Ordinal);
        Assert.Equal("int3", d.Instructions[0].Text);
    }

    [Fact]
    public void Address_outside_the_image_has_no_listing()
    {
        (BuiltFixture _, ElfFile? elf, SymbolTable? symbols) = Load();
        Disassembly d = CodeDisassembler.Around(elf, symbols, 0x7000_0000);
        Assert.Empty(d.Instructions);
        Assert.Contains("not in any loaded section", d.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Listing_stops_at_the_end_of_the_section()
    {
        (BuiltFixture? fx, ElfFile? elf, SymbolTable? symbols) = Load();
        // asm_label: mov rbx,rax; hlt; ret -- the last bytes of .text.
        Disassembly d = CodeDisassembler.Around(elf, symbols, fx["asm_label"] + 4, before: 5, after: 5);
        Assert.Equal(new[] { "mov rbx,rax", "hlt", "ret" }, d.Instructions.Select(i => i.Text).ToArray());
        Assert.True(d.Instructions[^1].IsTarget);
    }
}
