using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace ImageProfile;

/// <summary>What one traced QEMU run needs.</summary>
/// <param name="Qemu">The QEMU binary.</param>
/// <param name="Image">The kernel image (<c>-kernel</c>).</param>
/// <param name="Append">The kernel command line (<c>-append</c>).</param>
/// <param name="From">The serial line that switches tracing on.</param>
/// <param name="To">The serial line that switches it off again.</param>
/// <param name="TracePath">QEMU's log file (<c>-D</c>).</param>
/// <param name="SocketPath">The monitor's Unix socket.</param>
/// <param name="Timeout">The bound on the whole run.</param>
public sealed record QemuTraceRequest(string Qemu, string Image, string Append, Regex From, Regex To,
                                      string TracePath, string SocketPath, TimeSpan Timeout);

/// <summary>
/// The thin edge that drives QEMU: boots the image under single-step TCG with
/// <c>-icount shift=0</c>, reads the serial console line by line, and through the monitor
/// switches the exec log on (<c>log exec,nochain</c>) at the <c>--from</c> line and off
/// (<c>log none</c>) at the <c>--to</c> line, then quits QEMU.
/// </summary>
public static class QemuTracer
{
    private const int StderrTailLines = 10;

    /// <summary>QEMU's arguments for <paramref name="request"/>, for a QEMU of
    /// <paramref name="qemuVersion"/> (null: unknown, taken as older than 8.1).</summary>
    public static IReadOnlyList<string> Arguments(QemuTraceRequest request, Version? qemuVersion = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var arguments = new List<string> { "-kernel", request.Image, "-append", request.Append, "-M", "pc", "-m", "128M" };
        arguments.AddRange(SingleStepTcg(qemuVersion));
        arguments.AddRange(new[]
        {
            "-display", "none", "-serial", "stdio",
            "-monitor", $"unix:{request.SocketPath},server=on,wait=off",
            "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-D", request.TracePath,
        });
        return arguments;
    }

    /// <summary>
    /// TCG with one guest instruction per translation block and <c>-icount shift=0</c>. QEMU 8.1
    /// deprecated <c>-singlestep</c> for the accelerator property <c>one-insn-per-tb</c>, which
    /// older releases (this machine's Debian has 7.2) do not know; an unknown version gets the
    /// old switch.
    /// </summary>
    public static IReadOnlyList<string> SingleStepTcg(Version? qemuVersion) =>
        qemuVersion is not null && qemuVersion >= new Version(8, 1)
            ? new[] { "-accel", "tcg,one-insn-per-tb=on", "-icount", "shift=0" }
            : new[] { "-accel", "tcg", "-icount", "shift=0", "-singlestep" };

    /// <summary>The version in <c>qemu-system-x86_64 --version</c>'s first line, or null.</summary>
    public static Version? ParseVersion(string versionOutput)
    {
        ArgumentNullException.ThrowIfNull(versionOutput);
        Match m = Regex.Match(versionOutput, @"QEMU emulator version (\d+)\.(\d+)(?:\.(\d+))?", RegexOptions.CultureInvariant);
        if (!m.Success)
        {
            return null;
        }

        int Part(int group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new Version(Part(1), Part(2), Part(3));
    }

    /// <summary>Asks <paramref name="qemu"/> for its version, waiting at most
    /// <paramref name="bound"/>; null when it cannot be run or does not say (the run itself then
    /// reports a QEMU that cannot be started).</summary>
    public static Version? ProbeVersion(string qemu, TimeSpan bound)
    {
        var start = new ProcessStartInfo(qemu)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--version");
        try
        {
            using var probe = Process.Start(start);
            if (probe is null)
            {
                return null;
            }

            Task<string> output = probe.StandardOutput.ReadToEndAsync();
            if (!probe.WaitForExit(bound))
            {
                try { probe.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (Win32Exception) { }
                return null;
            }
            return output.Wait(bound) ? ParseVersion(output.Result) : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs QEMU and returns the serial lines it printed up to the <c>--to</c> line; the trace
    /// is then complete in <see cref="QemuTraceRequest.TracePath"/>. <paramref name="echo"/>,
    /// when given, receives every serial line as it arrives.
    /// </summary>
    /// <exception cref="ProfileException">QEMU cannot be started, exits early, rejects a monitor command,
    /// or a marker line does not appear within the timeout (QEMU is killed first).</exception>
    public static async Task<IReadOnlyList<string>> RunAsync(QemuTraceRequest request, TextWriter? echo)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = new ProcessStartInfo(request.Qemu)
        {
            RedirectStandardInput = true,   // -serial stdio must not take over the terminal
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.Latin1,
            StandardErrorEncoding = Encoding.Latin1,
            UseShellExecute = false,
        };
        foreach (string a in Arguments(request, ProbeVersion(request.Qemu, TimeSpan.FromSeconds(10))))
        {
            start.ArgumentList.Add(a);
        }

        Process qemu;
        try
        {
            qemu = Process.Start(start) ?? throw new ProfileException($"cannot start QEMU '{request.Qemu}'");
        }
        catch (Win32Exception e)
        {
            throw new ProfileException($"cannot start QEMU '{request.Qemu}': {e.Message} (install qemu-system-x86, or pass --qemu PATH)", e);
        }

        using (qemu)
        {
            var stderr = new Queue<string>();
            qemu.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (stderr)
                {
                    stderr.Enqueue(e.Data);
                    if (stderr.Count > StderrTailLines)
                    {
                        stderr.Dequeue();
                    }
                }
            };
            qemu.BeginErrorReadLine();

            bool timedOut = false;
            using var deadline = new CancellationTokenSource(request.Timeout);
            using CancellationTokenRegistration kill = deadline.Token.Register(() => { timedOut = true; Kill(qemu); });
            var serial = new List<string>();
            HmpMonitor? monitor = null;
            try
            {
                monitor = await HmpMonitor.ConnectAsync(request.SocketPath, qemu, TimeSpan.FromSeconds(10), deadline.Token).ConfigureAwait(false);
                bool tracing = false;
                string? line;
                while ((line = await qemu.StandardOutput.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    serial.Add(line);
                    echo?.WriteLine(line);
                    if (!tracing && request.From.IsMatch(line))
                    {
                        await monitor.ExecuteAsync("log exec,nochain", deadline.Token).ConfigureAwait(false);
                        tracing = true;
                    }
                    else if (tracing && request.To.IsMatch(line))
                    {
                        await StopAsync(qemu, monitor, deadline.Token).ConfigureAwait(false);
                        return serial;
                    }
                }
                // End of the console: QEMU exited or was killed at the deadline.
                await qemu.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                string which = tracing ? $"--to marker /{request.To}/" : $"--from marker /{request.From}/";
                string why = timedOut
                    ? $"within {request.Timeout.TotalSeconds:F0} s (QEMU killed)"
                    : $"before QEMU exited with status {qemu.ExitCode}";
                throw new ProfileException($"the {which} never appeared on the serial console {why}{Tail(stderr, serial)}");
            }
            catch (OperationCanceledException) when (timedOut)
            {
                throw new ProfileException($"QEMU did not get to the markers within {request.Timeout.TotalSeconds:F0} s (QEMU killed){Tail(stderr, serial)}");
            }
            catch (IOException e)
            {
                Kill(qemu);
                throw new ProfileException($"lost QEMU's monitor: {e.Message}{Tail(stderr, serial)}", e);
            }
            finally
            {
                monitor?.Dispose();
                Kill(qemu);
            }
        }
    }

    // Tracing off, then quit. If the guest powered off on its own in between, the log was
    // closed at exit and is complete anyway.
    private static async Task StopAsync(Process qemu, HmpMonitor monitor, CancellationToken cancel)
    {
        try
        {
            await monitor.ExecuteAsync("log none", cancel).ConfigureAwait(false);
            await monitor.QuitAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ProfileException && qemu.HasExited)
        {
        }
        // Keep reading the console so QEMU never blocks on a full pipe while it quits.
        Task drain = qemu.StandardOutput.ReadToEndAsync(cancel);
        using var quitTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        quitTimeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await qemu.WaitForExitAsync(quitTimeout.Token).ConfigureAwait(false);
            await drain.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(qemu); // the trace was switched off already; a QEMU that will not quit loses nothing
        }
    }

    private static void Kill(Process qemu)
    {
        try
        {
            if (!qemu.HasExited)
            {
                qemu.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // already gone, or not ours to kill: nothing more to do
        }
    }

    private static string Tail(Queue<string> stderr, List<string> serial)
    {
        var sb = new StringBuilder();
        string[] err;
        lock (stderr)
        {
            err = stderr.ToArray();
        }

        if (err.Length > 0)
        {
            sb.Append("; QEMU said: ").Append(string.Join(" | ", err));
        }

        if (serial.Count > 0)
        {
            sb.Append("; last console line: '").Append(serial[^1]).Append('\'');
        }
        else
        {
            sb.Append("; the console stayed empty");
        }

        return sb.ToString();
    }
}
