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
}
