using System;
using System.Globalization;
using System.IO;
using System.Linq;
using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

/// <summary>The whole tool through <see cref="Program.Run"/>, as the boot tests will use it.</summary>
public class EndToEndTests
{
    private static string Hex(ulong v) => "0x" + v.ToString("x16", CultureInfo.InvariantCulture);

    private static string PageFaultLog(BuiltFixture fx) => $"""
        boot: starting
        *** PANIC: CPU exception #PF Page fault
        cpu=0 vector=0x000000000000000e error=0x0000000000000002
        rip={Hex(fx["fault_insn"])} rsp=0x0000000000200fd0 rbp=0x0000000000200fe0 rflags=0x0000000000010046
        cr0=0x0000000080000011 cr2=0x0000000000000000 cr3=0x0000000000001000 cr4=0x0000000000000020
        stack:
          #0 {Hex(fx["fault_insn"])}
          #1 {Hex(fx["after_call"])}
          #2 0x0000000000deadbe
        *** END PANIC
        boot: after the panic
        """;

    private static (int Exit, string Out, string Err) Run(string input, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = Program.Run(args, new StringReader(input), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("dwarf4")]
    [InlineData("dwarf5")]
    [InlineData("dwarf5-zlib")]
    public void Page_fault_report_is_passed_through_and_symbolized(string variant)
    {
        BuiltFixture fx = GccFixture.Get(variant);
        string log = PageFaultLog(fx);
        (int exit, string? output, string? err) = Run(log, "--elf", fx.ElfPath);

        Assert.Equal(0, exit);
        Assert.Equal("", err);
        string[] lines = output.Split('\n');
        string[] inputLines = log.Split('\n');
        int end = Array.IndexOf(lines, "*** END PANIC");
        Assert.Equal(inputLines.Take(end + 1), lines.Take(end + 1)); // report passed through unchanged
        Assert.Equal($"--- symbolized ({fx.ElfPath})", lines[end + 1]);

        string[] block = lines.Skip(end + 1).ToArray();
        ulong faultOff = fx["fault_insn"] - fx["fault_here"];
        ulong callOff = fx["after_call"] - fx["caller"];
        string rip = Assert.Single(lines, l => l.StartsWith("  rip ", StringComparison.Ordinal));
        Assert.Matches($@"^  rip  {Hex(fx["fault_insn"])}  fault_here\+0x{faultOff:x} +\S*fixtures/fixture\.c:{GccFixture.FaultLine}$", rip);
        string f0 = Assert.Single(block, l => l.StartsWith("  #0 ", StringComparison.Ordinal));
        Assert.Matches($@"fault_here\+0x{faultOff:x} +\S*fixture\.c:{GccFixture.FaultLine}$", f0);
        string f1 = Assert.Single(block, l => l.StartsWith("  #1 ", StringComparison.Ordinal));
        Assert.Matches($@"caller\+0x{callOff:x} +\S*fixture\.c:{GccFixture.CallLine}$", f1); // return address: line of the call
        string f2 = Assert.Single(block, l => l.StartsWith("  #2 ", StringComparison.Ordinal));
        Assert.Equal("  #2   0x0000000000deadbe  ??               ??", f2);

        Assert.Contains("  code at rip (decoded from fault_here):", lines);
        string fault = Assert.Single(lines, l => l.EndsWith("<-- fault", StringComparison.Ordinal));
        Assert.Matches($@"^    {Hex(fx["fault_insn"])}  48 c7 00 02 00 00 00  mov qword ptr \[rax\],2   <-- fault$", fault);
        Assert.Contains(lines, l => l.EndsWith("mov rax,[rbp-8]", StringComparison.Ordinal));

        int blockEnd = Array.IndexOf(lines, "--- end symbolized");
        Assert.True(blockEnd > end);
        Assert.Equal("boot: after the panic", lines[blockEnd + 1]);
    }

    [Fact]
    public void Non_exception_panic_marks_rip_not_fault()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        string log = $"*** PANIC: throw System.Exception: x\ncpu=0 vector=none error=none\nrip={Hex(fx["after_call"] - 5)}\n*** END PANIC\n";
        (int exit, string? output, string _) = Run(log, "--elf", fx.ElfPath);
        Assert.Equal(0, exit);
        Assert.Contains("call fault_here   <-- rip", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<-- fault", output, StringComparison.Ordinal);
        Assert.Matches($@"  rip  {Hex(fx["after_call"] - 5)}  caller\+0x\w+  \S*fixture\.c:{GccFixture.CallLine}\n", output);
    }

    [Fact]
    public void Log_without_reports_and_garbage_pass_through_byte_for_byte()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        string log = "hello\n\u0000\u0001\u00ff\u00e9 binary noise \u001b[0m\nrip=0x100000 not a report\n*** END PANIC\n\n";
        (int exit, string? output, string? err) = Run(log, "--elf", fx.ElfPath);
        Assert.Equal(0, exit);
        Assert.Equal(log, output);
        Assert.Equal("", err);
    }

    [Fact]
    public void Truncated_and_interrupted_reports_are_still_symbolized()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        string log = $"*** PANIC: first\nrip={Hex(fx["fault_insn"])}\n*** PANIC: second\nrip={Hex(fx["second_unit_function"])}\n";
        (int _, string? output, string _) = Run(log, "--elf", fx.ElfPath);
        string[] lines = output.Split('\n');
        int second = Array.IndexOf(lines, "*** PANIC: second");
        int firstBlock = Array.FindIndex(lines, l => l.StartsWith("--- symbolized", StringComparison.Ordinal));
        Assert.True(firstBlock < second, "the interrupted report's block comes before the next panic line");
        Assert.Equal(2, lines.Count(l => l.Contains("report incomplete", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("second_unit_function+0x0", StringComparison.Ordinal) && l.EndsWith("fixture_b.c:3", StringComparison.Ordinal));
        Assert.Equal("--- end symbolized", lines[^2]);
    }

    [Fact]
    public void Report_without_rip_or_frames_says_so()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        (int exit, string? output, string _) = Run("*** PANIC: nothing\n*** END PANIC\n", "--elf", fx.ElfPath);
        Assert.Equal(0, exit);
        Assert.Contains("(no rip and no stack frames in the report)", output, StringComparison.Ordinal);
        Assert.Contains("code at rip: (no rip in the report)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_file_option_reads_the_log_from_a_file()
    {
        BuiltFixture fx = GccFixture.Get("dwarf4");
        string path = Path.Combine(Path.GetDirectoryName(fx.ElfPath)!, "serial.log");
        File.WriteAllText(path, PageFaultLog(fx));
        (int exit, string? output, string _) = Run("ignored stdin\n", "--elf=" + fx.ElfPath, "--input", path);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("ignored stdin", output, StringComparison.Ordinal);
        Assert.Contains("fault_here+0x", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--input", "x" }, "--elf PATH is required")]
    [InlineData(new[] { "--elf" }, "--elf needs a value")]
    [InlineData(new[] { "--elf", "a", "--bogus" }, "unknown argument '--bogus'")]
    [InlineData(new[] { "--elf", "/nonexistent/kernel.elf" }, "ELF file '/nonexistent/kernel.elf' not found")]
    public void Usage_and_missing_elf_errors_are_one_line_with_exit_2(string[] args, string message)
    {
        (int exit, string? output, string? err) = Run("", args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("CrashSymbolizer: error: " + message + "\n", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_elf_is_a_one_line_error()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        string cut = Path.Combine(Path.GetDirectoryName(fx.ElfPath)!, "cut.elf");
        File.WriteAllBytes(cut, File.ReadAllBytes(fx.ElfPath).AsSpan(0, 2000).ToArray());
        (int exit, string _, string? err) = Run("", "--elf", cut);
        Assert.Equal(2, exit);
        Assert.Matches(@"^CrashSymbolizer: error: '.*cut\.elf' is not a usable ELF file: section header table .* extends past end of file \(size 0x7d0; truncated\?\)\n$", err);
    }

    [Fact]
    public void Missing_input_file_is_a_one_line_error()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        (int exit, string _, string? err) = Run("", "--elf", fx.ElfPath, "--input", "/nonexistent/serial.log");
        Assert.Equal(2, exit);
        Assert.StartsWith("CrashSymbolizer: error: cannot read input '/nonexistent/serial.log'", err, StringComparison.Ordinal);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
