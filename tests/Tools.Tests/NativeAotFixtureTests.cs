using System;
using System.IO;
using System.Linq;
using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

/// <summary>
/// Code, symbols and DWARF produced by NativeAOT's ILCompiler for fixtures/nativeaot/Program.cs,
/// cut out of a real published executable by fixtures/nativeaot/make-fixture.sh.
/// </summary>
public class NativeAotFixtureTests
{
    private const string NullDereference = "Kernel_Microkernel_Tests_CrashCases__NullDereference";
    private const string Main = "Kernel_Microkernel_Tests_CrashCases__Main";
    private const ulong NullDereferenceStart = 0x66340, MainStart = 0x66360;
    private const ulong FaultRip = 0x66341;   // cmp dword ptr [rdi+8],3: reads a.Length, faults for null
    private const ulong ReturnToMain = 0x66387; // after "call NullDereference"

    private static string ElfPath => Path.Combine(GccFixture.FixtureSourceDir, "nativeaot", "nativeaot-fixture.elf");

    [Fact]
    public void ILCompiler_line_table_is_dwarf4_and_maps_to_the_csharp_source()
    {
        var elf = ElfFile.Load(ElfPath);
        var lines = DwarfLineTable.FromElf(elf);
        Assert.Empty(lines.Warnings);
        Assert.Equal(new[] { 4 }, lines.UnitVersions);

        SourceLocation? fault = lines.Lookup(FaultRip);
        Assert.EndsWith("/Program.cs", fault?.File, StringComparison.Ordinal);
        Assert.Equal(11, fault?.Line);
        Assert.Equal(16, lines.Lookup(ReturnToMain - 1)?.Line);
        Assert.Null(lines.Lookup(0x100000)); // CoreLib code that is not in the cut-down image
    }

    [Fact]
    public void Mangled_names_are_found_and_get_a_readable_form()
    {
        var symbols = SymbolTable.FromElf(ElfFile.Load(ElfPath));
        Assert.Equal(NullDereference, symbols.Lookup(FaultRip)?.Name);
        Assert.Equal(NullDereferenceStart, symbols.Lookup(FaultRip)?.Address);
        Assert.Equal(Main, symbols.Lookup(ReturnToMain)?.Name);
        Assert.Equal("Kernel.Microkernel.Tests.CrashCases.NullDereference", NameDemangler.Readable(NullDereference));
    }

    [Fact]
    public void Crash_report_is_symbolized_end_to_end()
    {
        string log = $"""
            *** PANIC: CPU exception #PF Page fault
            cpu=0 vector=0x000000000000000e error=0x0000000000000000
            rip=0x{FaultRip:x16} rsp=0x0000000000200000
            cr2=0x0000000000000008
            stack:
              #0 0x{FaultRip:x16}
              #1 0x{ReturnToMain:x16}
            *** END PANIC
            """;
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter();
        Assert.Equal(0, Program.Run(new[] { "--elf", ElfPath }, new StringReader(log), stdout, stderr));
        Assert.Equal("", stderr.ToString());
        string[] lines = stdout.ToString().Split('\n');

        Assert.Contains($"  rip  0x{FaultRip:x16}  {NullDereference}+0x1  Program.cs:11  (Kernel.Microkernel.Tests.CrashCases.NullDereference)",
            lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\S*/Program\.cs", "Program.cs")));
        Assert.Contains(lines, l => l.StartsWith("  #1 ", StringComparison.Ordinal) && l.Contains(Main + "+0x27 ", StringComparison.Ordinal) && l.Contains("Program.cs:16", StringComparison.Ordinal));

        Assert.Contains($"  code at rip (decoded from {NullDereference}):", lines);
        Assert.Contains($"    0x{NullDereferenceStart:x16}  50           push rax", lines);
        Assert.Contains($"    0x{FaultRip:x16}  83 7f 08 03  cmp dword ptr [rdi+8],3   <-- fault", lines);
        Assert.Contains(lines, l => l.EndsWith("mov eax,[rdi+0x1c]", StringComparison.Ordinal));
    }
}
