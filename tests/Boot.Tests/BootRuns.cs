using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Microkernel.BootTests;

/// <summary>Boots each configuration at most once per test run and shares the result, so
/// several tests can check different things about one boot.</summary>
public static class BootRuns
{
    /// <summary>How long one QEMU run may take once it has a slot.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly ConcurrentDictionary<string, Lazy<Task<BootRun>>> s_runs = new();

    /// <summary>Boots until the kernel prints its <c>ready:</c> line (or ends a panic report),
    /// then kills QEMU: the default image idles forever after that line.</summary>
    public static Task<BootRun> UntilReadyAsync(BootConfig config) =>
        Cached("ready", config, instance => instance.WaitForLineAsync(
            line => line.StartsWith("ready:", StringComparison.Ordinal) || line.Contains("*** END PANIC", StringComparison.Ordinal),
            Timeout));

    /// <summary>Boots until QEMU exits by itself (isa-debug-exit); the test image always does.</summary>
    public static Task<BootRun> UntilExitAsync(BootConfig config) =>
        Cached("exit", config, instance => instance.WaitForExitAsync(Timeout));

    private static Task<BootRun> Cached(string mode, BootConfig config, Func<QemuInstance, Task> waitFor) =>
        s_runs.GetOrAdd(mode + ": " + config, _ => new Lazy<Task<BootRun>>(() => RunAsync(config, waitFor))).Value;

    private static async Task<BootRun> RunAsync(BootConfig config, Func<QemuInstance, Task> waitFor)
    {
        IReadOnlyList<string> arguments = config.Arguments;
        QemuInstance instance = await QemuInstance.StartAsync(arguments).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        string? error = null;
        await using (instance.ConfigureAwait(false))
        {
            try
            {
                await waitFor(instance).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or QemuExitedException)
            {
                error = e.Message;
            }
        }

        int? exitStatus = instance.ExitedByItself ? instance.ExitStatus : null;
        string transcript = $"[image] {config.Image}.elf is a copy of {RepoPaths.ImageSource(config.Image)}\n"
            + instance.Transcript + (error is null ? "" : $"[harness] {error}\n");
        return new BootRun(config, instance.Lines, transcript, exitStatus, error, clock.Elapsed);
    }
}
