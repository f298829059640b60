using System.IO;
using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

public class SymbolTableTests
{
    private static (BuiltFixture Fx, SymbolTable Symbols) Load()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        return (fx, SymbolTable.FromElf(ElfFile.Load(fx.ElfPath)));
    }

    [Fact]
    public void Sized_function_wins_over_a_label_inside_it()
    {
        (BuiltFixture? fx, SymbolTable? symbols) = Load();
        // fault_insn is a NOTYPE label inside fault_here; the function is the useful answer.
        ElfSymbol? s = symbols.Lookup(fx["fault_insn"]);
        Assert.Equal("fault_here", s?.Name);
        Assert.Equal(fx["fault_here"], s?.Address);
    }

    [Fact]
    public void Finds_functions_at_start_and_last_byte()
    {
        (BuiltFixture? fx, SymbolTable? symbols) = Load();
        Assert.Equal("caller", symbols.Lookup(fx["caller"])?.Name);
        Assert.Equal("fault_here", symbols.Lookup(fx["caller"] - 1)?.Name);
        Assert.Equal("second_unit_function", symbols.Lookup(fx["second_unit_function"] + 3)?.Name);
    }

    [Fact]
    public void Padding_after_a_sized_function_is_unknown()
    {
        (BuiltFixture? fx, SymbolTable? symbols) = Load();
        ulong start = fx["asm_sized"];
        Assert.Equal("asm_sized", symbols.Lookup(start + 1)?.Name);   // ret
        Assert.Null(symbols.Lookup(start + 2));                        // int3 padding up to asm_label
        Assert.Null(symbols.Lookup(fx["asm_label"] - 1));
    }

    [Fact]
    public void Unsized_label_covers_following_code()
    {
        (BuiltFixture? fx, SymbolTable? symbols) = Load();
        Assert.Equal("asm_label", symbols.Lookup(fx["asm_label"] + 3)?.Name);
    }

    [Fact]
    public void Addresses_outside_the_image_are_unknown()
    {
        (BuiltFixture _, SymbolTable? symbols) = Load();
        Assert.Null(symbols.Lookup(0));
        Assert.Null(symbols.Lookup(0xffff_ffff_8000_0000));
    }

    [Fact]
    public void Equal_addresses_prefer_global_functions()
    {
        var t = new SymbolTable(new[]
        {
            new ElfSymbol("local_alias", 0x1000, 0x10, 2, false, 1),
            new ElfSymbol("Global_Name", 0x1000, 0x10, 2, true, 1),
            new ElfSymbol("label", 0x1000, 0, 0, true, 1),
        });
        Assert.Equal("Global_Name", t.Lookup(0x1008)?.Name);
        Assert.Null(t.Lookup(0x1010));
    }

    [Fact]
    public void Managed_name_wins_over_an_unmanaged_export_alias()
    {
        // ILCompiler emits an [UnmanagedCallersOnly(EntryPoint = "kmain")] method twice:
        // global "kmain" and the local mangled method name.
        var t = new SymbolTable(new[]
        {
            new ElfSymbol("kmain", 0x1022f0, 0x154, 2, true, 1),
            new ElfSymbol("Microkernel_Kernel_Microkernel_Init_Kmain__Main", 0x1022f0, 0x154, 2, false, 1),
        });
        Assert.Equal("Microkernel_Kernel_Microkernel_Init_Kmain__Main", t.Lookup(0x102300)?.Name);
    }

    [Fact]
    public void Label_wins_over_an_alias_counted_in_the_section_before()
    {
        // The kernel's __text_start is such a symbol: in .note, at .text's first address,
        // beside RhpAssignRef. The label in .text must name the code there.
        string dir = Directory.CreateTempSubdirectory("symtab-alias-").FullName;
        try
        {
            string elf = Path.Combine(dir, "alias.elf");
            GccFixture.Run("gcc", "-nostdlib -static -no-pie -Wl,-Ttext=0x100000 -Wl,--section-start=.before=0xfffff " +
                                  $"-Wl,--build-id=none -o \"{elf}\" \"{GccFixture.FixtureSourceDir}/alias_section.S\"");
            var symbols = SymbolTable.FromElf(ElfFile.Load(elf));
            Assert.Equal(0x100000UL, symbols.FindByName("zz_before_end")?.Address);
            Assert.Equal(0x100000UL, symbols.FindByName("aa_text_label")?.Address);

            Assert.Equal("aa_text_label", symbols.Lookup(0x100000)?.Name);
            Assert.Equal("aa_text_label", symbols.Lookup(0x100001)?.Name);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
