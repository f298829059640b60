using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>Each deliberate crash of out/test.elf ends QEMU with status 3 after exactly one
/// crash report, and the symbolizer names the crashing method in that report.</summary>
public sealed class CrashCaseTests
{
    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's per-test output, where failures print the transcript.</summary>
    public CrashCaseTests(ITestOutputHelper output) => _output = output;

    /// <summary>The crash case names.</summary>
    public static TheoryData<string> Names => CrashRuns.Names;

    /// <summary>(case, expected text of the <c>*** PANIC:</c> line).</summary>
    public static TheoryData<string, string> Reasons => CrashRuns.Reasons;

    /// <summary>(case, crashing method, whether it is on the <c>rip</c> row).</summary>
    public static TheoryData<string, string, bool> Methods => CrashRuns.Methods;

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Crash_case_ends_qemu_with_status_3(string crashCase)
    {
        BootRun run = await CrashRuns.RunAsync(crashCase);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Null(run.HarnessError);
            Assert.Equal(3, run.ExitStatus);
        });
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task Crash_case_prints_exactly_one_report_with_the_expected_reason(string crashCase, string reason)
    {
        BootRun run = await CrashRuns.RunAsync(crashCase);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Single(run.Lines, line => line.Contains(PanicReport.Start, StringComparison.Ordinal));
            Assert.Single(run.Lines, line => line == PanicReport.End);
            PanicReport report = Assert.Single(PanicReport.FindAll(run.Lines));
            Assert.Contains(reason, report.FirstLine, StringComparison.Ordinal);
        });
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Symbolizer_names_the_crashing_method(string crashCase, string method, bool onRip)
    {
        BootRun run = await CrashRuns.RunAsync(crashCase);
        SymbolizerResult symbolized = await CrashRuns.SymbolizedAsync(crashCase);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Equal(0, symbolized.ExitStatus);
            IReadOnlyList<string> block = Assert.Single(symbolized.Blocks);
            var rows = block.Where(line => onRip ? Regex.IsMatch(line, @"^  rip\s") : Regex.IsMatch(line, @"^  #\d+\s")).ToList();
            Assert.NotEmpty(rows);
            Assert.Contains(rows, row => row.Contains(method, StringComparison.Ordinal));
        }, symbolized.ToString());
    }
}
