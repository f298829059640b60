using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>The register values in a crash report are machine-readable and plausible.</summary>
public sealed class CrashReportFormatTests
{
    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's per-test output, where failures print the transcript.</summary>
    public CrashReportFormatTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Null_dereference_report_has_hex_rip_and_a_fault_address_in_the_first_page()
    {
        BootRun run = await CrashRuns.RunAsync("nullref");

        _output.CheckWithTranscript(run, () =>
        {
            PanicReport report = Assert.Single(PanicReport.FindAll(run.Lines));
            ulong? vector = PanicReport.ParseHex64(report.RawValue("vector"));
            ulong? rip = PanicReport.ParseHex64(report.RawValue("rip"));
            ulong? cr2 = PanicReport.ParseHex64(report.RawValue("cr2"));

            Assert.Equal(14UL, vector);
            Assert.NotNull(rip);
            Assert.InRange(rip.Value, 0x100000UL, 0xffffffffUL);
            Assert.NotNull(cr2);
            Assert.InRange(cr2.Value, 0UL, 0xfffUL);
        });
    }

    /// <summary>(case, what the report's <c>fault:</c> line must say) for each W^X or
    /// guard-page violation: the kind of access and the kernel area's name.</summary>
    public static TheoryData<string, string> FaultLines => new()
    {
        { "write-text", @"^fault: write at 0x[0-9a-f]{16} \(protection violation, kernel mode\) in kernel text$" },
        { "exec-data", @"^fault: execute at 0x[0-9a-f]{16} \(protection violation, kernel mode\) in kernel data$" },
        { "exec-stack", @"^fault: execute at 0x[0-9a-f]{16} \(protection violation, kernel mode\) in boot stack$" },
        { "stack-overflow", @"^fault: double fault; last page-fault address 0x[0-9a-f]{16} in boot stack guard page$" },
        { "nullref", @"^fault: read at 0x0000000000000[0-9a-f]{3} \(not present, kernel mode\) in null page$" },
    };

    [Theory]
    [MemberData(nameof(FaultLines))]
    public async Task Protection_violations_report_the_access_and_the_area(string crashCase, string pattern)
    {
        BootRun run = await CrashRuns.RunAsync(crashCase);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Single(PanicReport.FindAll(run.Lines));
            Assert.Single(run.Lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, pattern));
        });
    }
}
