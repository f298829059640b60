using System;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>Power off and reboot end the machine by themselves: QEMU exits (with
/// -no-reboot a reset ends it too) and the log says which path was taken.</summary>
public sealed class PowerTests
{
    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's per-test output, where failures print the transcript.</summary>
    public PowerTests(ITestOutputHelper output) => _output = output;

    /// <summary>(machine, command, log line): ACPI PM1a on pc and q35; reset through the
    /// 8042/0xCF9 on pc, through a triple fault on microvm (it has neither).</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "pc", "power=off", "[info] power: powering off" },
        { "q35", "power=off", "[info] power: powering off" },
        { "pc", "power=reboot", "[info] power: rebooting" },
        { "microvm", "power=reboot", "[info] power: rebooting" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_machine_goes_down_by_itself(string machine, string command, string logLine)
    {
        BootRun run = await BootRuns.UntilExitAsync(new BootConfig("test", machine, "32M", Append: command));

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Null(run.HarnessError);
            Assert.Contains(run.Lines, line => line == logLine);
            Assert.DoesNotContain(run.Lines, line => line.Contains("did not take effect", StringComparison.Ordinal));
            Assert.Equal(0, run.ExitStatus); // QEMU's own exit on shutdown/reset, not the debug device
        });
    }
}
