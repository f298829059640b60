using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>The harness itself: how QemuInstance reports QEMU ending early, a line that
/// never comes, and cleanup.</summary>
public sealed class QemuInstanceTests
{
    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's per-test output, where failures print the transcript.</summary>
    public QemuInstanceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Qemu_failing_to_start_the_guest_ends_the_wait_and_keeps_its_stderr()
    {
        await using QemuInstance qemu = await QemuInstance.StartAsync(
            new[] { "-kernel", "/nonexistent/kernel.elf", "-accel", "tcg", "-display", "none", "-serial", "stdio", "-monitor", "none" });

        await ShowTranscriptOnFailure(qemu, async () =>
        {
            await Assert.ThrowsAsync<QemuExitedException>(() => qemu.WaitForLineAsync(_ => true, TimeSpan.FromSeconds(30)));
            int status = await qemu.WaitForExitAsync(TimeSpan.FromSeconds(30));

            Assert.NotEqual(0, status);
            Assert.True(qemu.ExitedByItself);
            Assert.Contains("[qemu stderr] ", qemu.Transcript, StringComparison.Ordinal);
            Assert.Contains("/nonexistent/kernel.elf", qemu.Transcript, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_line_that_never_comes_times_out_and_dispose_kills_qemu()
    {
        var config = new BootConfig("default", "pc", "32M");
        QemuInstance qemu = await QemuInstance.StartAsync(config.Arguments);
        await using (qemu)
        {
            await ShowTranscriptOnFailure(qemu, async () =>
            {
                string ready = await qemu.WaitForLineAsync(line => line.StartsWith("ready:", StringComparison.Ordinal), BootRuns.Timeout);
                string earlier = await qemu.WaitForLineAsync(line => line.StartsWith("[info] ", StringComparison.Ordinal), TimeSpan.FromSeconds(1));

                var lines = qemu.Lines.ToList();
                Assert.True(lines.IndexOf(earlier) < lines.IndexOf(ready), "lines printed before the call are matched too");
                await Assert.ThrowsAsync<TimeoutException>(() => qemu.WaitForLineAsync(line => line == "never printed", TimeSpan.FromSeconds(2)));
            });
        }

        await ShowTranscriptOnFailure(qemu, () =>
        {
            Assert.False(qemu.ExitedByItself);
            Assert.NotNull(qemu.ExitStatus);
            Assert.Contains("[qemu killed by the test]", qemu.Transcript, StringComparison.Ordinal);
            return Task.CompletedTask;
        });
    }

    private async Task ShowTranscriptOnFailure(QemuInstance qemu, Func<Task> assertions)
    {
        try
        {
            await assertions();
        }
        catch
        {
            _output.WriteLine(qemu.Transcript);
            throw;
        }
    }
}
