using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Microkernel.BootTests;

/// <summary>One running qemu-system-x86_64 whose serial console is its stdout. Keeps every
/// line it printed (the transcript) and lets a test wait for a line or for the exit status.
/// At most <see cref="MaxConcurrent"/> instances run at once; starting another waits for a
/// slot. Disposing kills QEMU (and anything it started) if it is still running.</summary>
public sealed class QemuInstance : IAsyncDisposable
{
    /// <summary>How many QEMUs may run at once; the machine has 2 cores shared with builders.</summary>
    public const int MaxConcurrent = 2;

    private static readonly SemaphoreSlim s_slots = new(MaxConcurrent, MaxConcurrent);

    private readonly object _gate = new();
    private readonly List<string> _lines = new();
    private readonly List<string> _stderr = new();
    private readonly Process _process;
    private readonly Task _stdoutDone;
    private readonly Task _stderrDone;
    private TaskCompletionSource _changed = NewSignal();
    private bool _stdoutEnded;
    private int? _exitStatus;
    private bool _killed;
    private bool _disposed;

    private QemuInstance(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        _stdoutDone = ReadStdoutAsync();
        _stderrDone = PipeLines.ReadAllAsync(PipeReader.Create(process.StandardError.BaseStream), AddStderrLine);
    }

    /// <summary>The command as started, for transcripts.</summary>
    public string CommandLine { get; }

    /// <summary>True once QEMU has exited without being killed by <see cref="DisposeAsync"/>.</summary>
    public bool ExitedByItself => _exitStatus is not null && !_killed;

    /// <summary>QEMU's exit status once it has exited and been waited for, else null.</summary>
    public int? ExitStatus => _exitStatus;

    /// <summary>A snapshot of the serial lines so far (stdout, <c>\r</c> removed).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>The command, every serial line, QEMU's stderr and the exit status if known.</summary>
    public string Transcript
    {
        get
        {
            var text = new StringBuilder();
            text.Append("$ ").AppendLine(CommandLine);
            lock (_gate)
            {
                foreach (string line in _lines)
                {
                    text.AppendLine(line);
                }

                foreach (string line in _stderr)
                {
                    text.Append("[qemu stderr] ").AppendLine(line);
                }
            }

            text.AppendLine(
                _killed ? "[qemu killed by the test]"
                : _exitStatus == 0 ? "[qemu exited by itself with status 0: the guest never wrote isa-debug-exit; a triple fault under -no-reboot looks like this]"
                : _exitStatus is int status ? $"[qemu exited by itself with status {status}]"
                : "[qemu still running]");
            return text.ToString();
        }
    }

    /// <summary>Waits for a free slot, then starts <c>qemu-system-x86_64</c> with
    /// <paramref name="arguments"/> and stdin, stdout and stderr redirected.</summary>
    public static async Task<QemuInstance> StartAsync(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        await s_slots.WaitAsync().ConfigureAwait(false);
        try
        {
            var start = new ProcessStartInfo("qemu-system-x86_64")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            Process process = Process.Start(start)
                ?? throw new InvalidOperationException("qemu-system-x86_64 did not start");
            return new QemuInstance(process, "qemu-system-x86_64 " + string.Join(' ', arguments));
        }
        catch
        {
            s_slots.Release();
            throw;
        }
    }

    /// <summary>Returns the first serial line (earliest, including ones already printed)
    /// that satisfies <paramref name="predicate"/>. Throws <see cref="TimeoutException"/>
    /// when none arrives in time, and <see cref="QemuExitedException"/> when QEMU's output
    /// ends first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var deadline = new CancellationTokenSource(timeout);
        int next = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; next < _lines.Count; next++)
                {
                    if (predicate(_lines[next]))
                    {
                        return _lines[next];
                    }
                }

                if (_stdoutEnded)
                {
                    throw new QemuExitedException("QEMU's serial output ended before the expected line appeared");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"no expected serial line within {timeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>Waits for QEMU to exit by itself and for its output to be fully read;
    /// returns the exit status. Throws <see cref="TimeoutException"/> if it runs too long.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
            await Task.WhenAll(_stdoutDone, _stderrDone).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"QEMU did not exit by itself within {timeout.TotalSeconds:0} s");
        }

        _exitStatus = _process.ExitCode;
        return _exitStatus.Value;
    }

    /// <summary>Kills QEMU's process tree if it still runs, drains its output and frees the slot.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _killed = true;
                _process.Kill(entireProcessTree: true);
            }

            var bound = TimeSpan.FromSeconds(10);
            await _process.WaitForExitAsync().WaitAsync(bound).ConfigureAwait(false);
            await Task.WhenAll(_stdoutDone, _stderrDone).WaitAsync(bound).ConfigureAwait(false);
            _exitStatus = _process.ExitCode;
        }
        finally
        {
            _process.Dispose();
            s_slots.Release();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ReadStdoutAsync()
    {
        try
        {
            await PipeLines.ReadAllAsync(PipeReader.Create(_process.StandardOutput.BaseStream), AddLine).ConfigureAwait(false);
        }
        finally
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _stdoutEnded = true;
                changed = _changed;
            }

            changed.TrySetResult();
        }
    }

    private void AddLine(string line)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _lines.Add(line);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.SetResult();
    }

    private void AddStderrLine(string line)
    {
        lock (_gate)
        {
            _stderr.Add(line);
        }
    }
}
