using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>The ordered shutdown: QEMU's <c>system_powerdown</c> presses the ACPI power
/// button; the kernel stops every service in reverse start order (killing one that ignores
/// the request after its deadline), prints its final line and powers off through ACPI S5,
/// so QEMU exits by itself.</summary>
public sealed class ShutdownTests
{
    /// <summary>From the press to QEMU's exit, generously (TCG on a shared machine; the
    /// stubborn service alone costs its 2 s deadline).</summary>
    private static readonly TimeSpan s_exitDeadline = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's per-test output, where failures print the transcript.</summary>
    public ShutdownTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task The_power_button_shuts_the_default_image_down_in_order()
    {
        string export = Path.Combine(Path.GetTempPath(), $"mk-export-{Guid.NewGuid():N}.bin");
        (QemuInstance qemu, TimeSpan pressToExit) = await BootAndPressAsync("default", export);
        await using (qemu)
        {
            string[] lines = qemu.Lines.ToArray();
            byte[] exported = File.ReadAllBytes(export);
            File.Delete(export);
            Check(qemu, () =>
            {
                AssertCleanShutdown(qemu, lines);
                // klog is stopped last, so the other stops reach its export before power-off
                // (MessagePack strings are raw UTF-8: the texts are in the frames as they are).
                int hostlink = Find(exported, "stopped hostlink");
                int store = Find(exported, "stopped store");
                Assert.True(hostlink >= 0 && store > hostlink, "hostlink then store were stopped, and klog exported both stops");
                // hostlink's last word, sent over its klog channel after the stop request
                // (its waits end at once then; the writer polls for klog's answer): in the
                // export as a record whose source is hostlink, and on the console.
                int lastWord = Find(exported, "stopping; queries answered: ");
                Assert.True(lastWord > 10, "hostlink's stop record was exported");
                Assert.Equal(SourceString("hostlink"), exported.AsSpan(lastWord - 10, 9).ToArray());
                Assert.Contains("[info] hostlink: stopping; queries answered: 0", lines);
                // Every service logged over IPC: six sources (store, supervisor, the echo pair,
                // hello, hostlink), nothing lost or out of order, each record shown on the console.
                Match figures = Regex.Match(Assert.Single(lines, l => l.StartsWith("[info] klog: service records ", StringComparison.Ordinal)),
                    @"^\[info\] klog: service records received=(\d+) exported=(\d+) dropped=0 filtered=0 order-violations=0 gaps=0 accounting-errors=0 sources=6 shown=(\d+)$");
                Assert.True(figures.Success, "klog's figures line has the expected shape");
                Assert.Equal(figures.Groups[1].Value, figures.Groups[2].Value);
                Assert.Equal(figures.Groups[1].Value, figures.Groups[3].Value);
                Assert.True(Find(exported, "microkernel starting") >= 0, "the early log (the first kernel record) was exported too");
                int stoppedKlog = Array.FindIndex(lines, l => l.Contains("supervisor: stopped klog", StringComparison.Ordinal));
                int stoppedStore = Array.FindIndex(lines, l => l.Contains("supervisor: stopped store", StringComparison.Ordinal));
                Assert.True(stoppedKlog > stoppedStore, "klog last");
                // Everything logged before the press is on the console before power-off.
                int ready = Array.FindIndex(lines, l => l.StartsWith("ready:", StringComparison.Ordinal));
                int requested = Array.IndexOf(lines, "[info] shutdown: requested by power button");
                Assert.InRange(ready, 0, requested - 1);
                Assert.Contains(lines.Take(ready), l => l.Contains("echo-client: 100 calls answered correctly", StringComparison.Ordinal));
            });
            _output.WriteLine($"default image: power button to QEMU exit {pressToExit.TotalMilliseconds:0} ms");
        }
    }

    [Fact]
    public async Task Services_stop_in_reverse_start_order_and_one_that_ignores_the_request_is_killed()
    {
        (QemuInstance qemu, TimeSpan pressToExit) = await BootAndPressAsync("stop-test");
        await using (qemu)
        {
            string[] lines = qemu.Lines.ToArray();
            Check(qemu, () =>
            {
                AssertCleanShutdown(qemu, lines);
                // Started sleeper, then stubborn: stopped stubborn first, then sleeper.
                int startedSleeper = Array.FindIndex(lines, l => Regex.IsMatch(l, @"service sleeper pid=\d+ base="));
                int startedStubborn = Array.FindIndex(lines, l => Regex.IsMatch(l, @"service stubborn pid=\d+ base="));
                int stoppedStubborn = Array.FindIndex(lines, l => l.Contains("supervisor: stopped stubborn (ignored the stop request; killed)", StringComparison.Ordinal));
                int flushed = Array.FindIndex(lines, l => l.Contains("sleeper: stop requested; state flushed", StringComparison.Ordinal));
                int stoppedSleeper = Array.FindIndex(lines, l => l.Contains("supervisor: stopped sleeper after", StringComparison.Ordinal));
                Assert.True(startedSleeper >= 0 && startedStubborn > startedSleeper, "sleeper started before stubborn");
                Assert.True(stoppedStubborn >= 0, "stubborn was killed after its deadline");
                Assert.True(flushed > stoppedStubborn && stoppedSleeper > flushed, "then sleeper was asked, flushed and stopped");
                Assert.Contains(lines, l => l.Contains("service stubborn", StringComparison.Ordinal) && l.EndsWith("exited with status -196608", StringComparison.Ordinal));
                Assert.Matches(@"^shutdown: power button: 2 services stopped \(1 forced\) in \d+ ms; powering off$", lines[^1]);
            });
            _output.WriteLine($"stop-test image: power button to QEMU exit {pressToExit.TotalMilliseconds:0} ms");
        }
    }

    /// <summary>The final console line names the cause and the time; the supervisor
    /// finished; QEMU exited by itself (ACPI S5), not killed by the harness.</summary>
    private static void AssertCleanShutdown(QemuInstance qemu, string[] lines)
    {
        Assert.True(qemu.ExitedByItself, "QEMU powered off by itself");
        Assert.Equal(0, qemu.ExitStatus);
        Assert.Matches(@"^shutdown: power button: \d+ services stopped \(\d+ forced\) in \d+ ms; powering off$", lines[^1]);
        Assert.Contains("[info] init: term system/supervisor", lines);
        Assert.Contains(lines, l => l.Contains("supervisor: every service stopped", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("PANIC", StringComparison.Ordinal));
    }

    /// <summary>Boots <paramref name="image"/> with a monitor socket, waits for the ready
    /// line, presses the power button and waits for QEMU to exit.</summary>
    private static async Task<(QemuInstance, TimeSpan)> BootAndPressAsync(string image, string? export = null)
    {
        string socket = Path.Combine(Path.GetTempPath(), $"mk-monitor-{Guid.NewGuid():N}.sock");
        QemuInstance qemu = await QemuInstance.StartAsync(new BootConfig(image, "pc", "128M", MonitorSocket: socket, ExportFile: export).Arguments);
        await qemu.WaitForLineAsync(l => l.StartsWith("ready:", StringComparison.Ordinal), BootRuns.Timeout);
        using (var monitor = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await monitor.ConnectAsync(new UnixDomainSocketEndPoint(socket));
            await monitor.SendAsync(Encoding.ASCII.GetBytes("system_powerdown\n"));
            var pressed = Stopwatch.StartNew();
            await qemu.WaitForExitAsync(s_exitDeadline);
            File.Delete(socket);
            return (qemu, pressed.Elapsed);
        }
    }

    private static int Find(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));

    /// <summary>A short ASCII string as MessagePack encodes it (fixstr: 0xA0 | length, bytes).</summary>
    private static byte[] SourceString(string text) => new[] { (byte)(0xA0 | text.Length) }.Concat(Encoding.ASCII.GetBytes(text)).ToArray();

    private void Check(QemuInstance qemu, Action assertions)
    {
        try
        {
            assertions();
        }
        catch
        {
            _output.WriteLine(qemu.Transcript);
            throw;
        }
    }
}
