using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Mk.Build;
using Mk.Manifests;

namespace Mk.Instances;

/// <summary>What <c>./mk run</c> was asked: a manifest or an ELF, and overrides.</summary>
/// <param name="Target">A manifest (.yaml/.yml) or an image (.elf).</param>
/// <param name="Memory">RAM override (<c>256M</c>), or null for the manifest's (128M for an ELF).</param>
/// <param name="Smp">CPU count override, or null.</param>
/// <param name="Accel">kvm, tcg or auto.</param>
/// <param name="Detach">Run in the background.</param>
/// <param name="Name">Instance name, or null for IMAGE-N.</param>
/// <param name="Append">Kernel command line override, or null for the manifest's.</param>
public sealed record RunRequest(string Target, string? Memory, uint? Smp, string Accel, bool Detach, string? Name, string? Append);

/// <summary>How a stop went.</summary>
/// <param name="WasRunning">False if the instance had already exited.</param>
/// <param name="Ending">powered-off, forced or killed.</param>
/// <param name="Elapsed">Time from the request to QEMU being gone.</param>
public sealed record StopOutcome(bool WasRunning, string Ending, TimeSpan Elapsed);

/// <summary>Boots and stops instances: builds the image if given a manifest, starts QEMU
/// with the instance's files, and stops it through QMP (ACPI power button first, then
/// <c>quit</c>, then SIGKILL).</summary>
public sealed class InstanceRunner
{
    /// <summary>How long a detached QEMU may take to daemonize.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Workspace _workspace;
    private readonly InstanceStore _store;
    private readonly TextWriter _output;
    private readonly bool _verbose;

    /// <summary>A runner for <paramref name="workspace"/>'s instances in <paramref name="store"/>.</summary>
    public InstanceRunner(Workspace workspace, InstanceStore store, TextWriter output, bool verbose)
    {
        _workspace = workspace;
        _store = store;
        _output = output;
        _verbose = verbose;
    }

    /// <summary>Runs <paramref name="request"/>. Detached: returns 0 once QEMU runs in the
    /// background. Foreground: returns QEMU's exit status when it ends.</summary>
    public async Task<int> RunAsync(RunRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Name is not null)
        {
            _store.EnsureNotRunning(request.Name); // before a long build
        }

        string image;
        string? manifestPath = null;
        string memory = "128M";
        uint smp = 1;
        string append = "";
        string extension = Path.GetExtension(request.Target).ToLowerInvariant();
        if (extension is ".yaml" or ".yml")
        {
            var builder = new ImageBuilder(_workspace, _output, _verbose);
            ImageManifest manifest = builder.LoadManifest(request.Target);
            image = builder.Build(request.Target, manifest);
            manifestPath = Path.GetFullPath(request.Target);
            memory = manifest.MemoryText;
            smp = manifest.Smp;
            append = manifest.Cmdline;
        }
        else if (extension == ".elf")
        {
            image = Path.GetFullPath(request.Target);
            if (!File.Exists(image))
            {
                throw new MkException($"no image at {request.Target}", $"build one with {Workspace.CommandName} build images/default.yaml, or give a manifest", 2);
            }
        }
        else
        {
            throw new MkException($"`{request.Target}` is neither a manifest (.yaml) nor an image (.elf)", $"for example: {Workspace.CommandName} run images/default.yaml", 2);
        }

        if (request.Memory is not null)
        {
            if (!MemorySize.TryParseMib(request.Memory, out uint mib, out string why))
            {
                throw new MkException("--memory: " + why, "for example --memory 256M", 2);
            }

            memory = MemorySize.Format(mib);
        }
        if (request.Smp is uint s)
        {
            if (s is < 1 or > 64)
            {
                throw new MkException($"--smp {s} is outside 1 to 64", null, 2);
            }

            smp = s;
        }
        if (request.Append is not null)
        {
            append = request.Append;
        }

        string accel = ResolveAccel(request.Accel, image);

        string imageName = Path.GetFileNameWithoutExtension(image);
        string name = request.Name ?? _store.DefaultName(imageName);
        var info = new InstanceInfo
        {
            Name = name,
            Image = image,
            Manifest = manifestPath,
            Memory = memory,
            Smp = smp,
            Accel = accel,
            Append = append,
            Detached = request.Detach,
            StartedAt = DateTimeOffset.UtcNow,
        };
        Instance instance = _store.Create(info);
        if (instance.QmpPath.Length >= 108)
        {
            throw new MkException($"the instance folder path is too long for a unix socket ({instance.QmpPath})", "use a shorter --instances folder");
        }

        var options = new QemuOptions(image, memory, smp, accel, append, request.Detach);
        IReadOnlyList<string> arguments = QemuCommand.Arguments(options, instance);
        if (_verbose)
        {
            _output.WriteLine("  QEMU    " + QemuCommand.Executable + " " + string.Join(' ', arguments));
        }

        string what = string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetRelativePath(_workspace.Root, image)} on pc, {memory}, {smp} CPU(s), {accel}");
        return request.Detach
            ? await StartDetachedAsync(instance, arguments, what, cancel).ConfigureAwait(false)
            : await RunForegroundAsync(instance, arguments, what, cancel).ConfigureAwait(false);
    }

    private async Task<int> StartDetachedAsync(Instance instance, IReadOnlyList<string> arguments, string what, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(QemuCommand.Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var errors = new List<string>();
        using Process process = StartQemu(start);
        process.StandardInput.Close();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (errors) { errors.Add(e.Data); } } };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (errors) { errors.Add(e.Data); } } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            instance.MarkEnded("failed", DateTimeOffset.UtcNow);
            throw new MkException($"QEMU did not finish starting within {StartTimeout.TotalSeconds:F0}s");
        }
        if (process.ExitCode != 0 || !instance.IsRunning)
        {
            instance.MarkEnded("failed", DateTimeOffset.UtcNow);
            string detail;
            lock (errors)
            {
                detail = errors.Count > 0 ? errors[0] : string.Create(CultureInfo.InvariantCulture, $"exit status {process.ExitCode}");
            }

            throw new MkException($"QEMU failed to start {instance.Name}: {detail}", $"{Workspace.CommandName} rm {instance.Name} removes its folder");
        }
        _output.WriteLine($"  RUN     {instance.Name}: {what}, pid {instance.Pid}");
        _output.WriteLine($"          console: {Workspace.CommandName} logs {instance.Name} -f    stop: {Workspace.CommandName} stop {instance.Name}");
        return 0;
    }

    private async Task<int> RunForegroundAsync(Instance instance, IReadOnlyList<string> arguments, string what, CancellationToken cancel)
    {
        _output.WriteLine($"  RUN     {instance.Name}: {what} (Ctrl-A X quits)");
        _output.Flush();
        var start = new ProcessStartInfo(QemuCommand.Executable) { UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The terminal belongs to QEMU now; Ctrl-C must not end us before it.
        ConsoleCancelEventHandler keep = (_, e) => e.Cancel = true;
        Console.CancelKeyPress += keep;
        try
        {
            using Process process = StartQemu(start);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            instance.MarkEnded("exited", DateTimeOffset.UtcNow);
            return process.ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= keep;
        }
    }

    private static Process StartQemu(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new MkException("cannot start " + QemuCommand.Executable);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MkException($"cannot start {QemuCommand.Executable}: {e.Message}", "install QEMU: make deps (as root) or apt-get install qemu-system-x86", 1, e);
        }
    }

    private string ResolveAccel(string accel, string image)
    {
        switch (accel)
        {
            case "kvm":
            case "tcg":
                return accel;
            case "auto":
                string probe = Path.Combine(_workspace.Root, "build", "qemu-accel.sh");
                if (!File.Exists(probe))
                {
                    return "tcg";
                }

                var start = new ProcessStartInfo(probe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add(image);
                using (Process process = Process.Start(start) ?? throw new MkException("cannot run " + probe))
                {
                    string answer = process.StandardOutput.ReadToEnd().Trim();
                    process.WaitForExit();
                    return answer == "kvm" ? "kvm" : "tcg";
                }
            default:
                throw new MkException($"--accel must be kvm, tcg or auto, not `{accel}`", null, 2);
        }
    }

    /// <summary>Stops <paramref name="instance"/>: with <paramref name="force"/> QMP
    /// <c>quit</c> at once; otherwise QMP <c>system_powerdown</c> (the ACPI power button)
    /// and up to <paramref name="timeout"/> for QEMU to exit, then <c>quit</c>. SIGKILL if QEMU
    /// still runs 5 s after that. Records the ending in instance.json; removes nothing.</summary>
    public async Task<StopOutcome> StopAsync(Instance instance, TimeSpan timeout, bool force, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var clock = Stopwatch.StartNew();
        if (!instance.IsRunning)
        {
            return new StopOutcome(false, instance.Info.Ending ?? "exited", TimeSpan.Zero);
        }

        int pid = instance.Pid;
        QmpClient? qmp = null;
        string ending;
        try
        {
            qmp = await TryConnectAsync(instance, cancel).ConfigureAwait(false);
            if (!force && qmp is not null && await TryExecuteAsync(qmp, "system_powerdown", cancel).ConfigureAwait(false)
                && await WaitForExitAsync(instance, pid, timeout, cancel).ConfigureAwait(false))
            {
                ending = "powered-off";
            }
            else
            {
                qmp ??= await TryConnectAsync(instance, cancel).ConfigureAwait(false);
                bool asked = qmp is not null && await TryExecuteAsync(qmp, "quit", cancel).ConfigureAwait(false);
                if (!asked)
                {
                    ProcessProbe.Signal(pid, ProcessProbe.SigTerm);
                }

                ending = "forced";
                if (!await WaitForExitAsync(instance, pid, TimeSpan.FromSeconds(5), cancel).ConfigureAwait(false))
                {
                    ProcessProbe.Signal(pid, ProcessProbe.SigKill);
                    ending = "killed";
                    if (!await WaitForExitAsync(instance, pid, TimeSpan.FromSeconds(5), cancel).ConfigureAwait(false))
                    {
                        throw new MkException($"QEMU (pid {pid}) of `{instance.Name}` survived SIGKILL");
                    }
                }
            }
        }
        finally
        {
            if (qmp is not null)
            {
                await qmp.DisposeAsync().ConfigureAwait(false);
            }
        }
        instance.MarkEnded(ending, DateTimeOffset.UtcNow);
        return new StopOutcome(true, ending, clock.Elapsed);
    }

    private async Task<QmpClient?> TryConnectAsync(Instance instance, CancellationToken cancel)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(TimeSpan.FromSeconds(5));
            return await QmpClient.ConnectAsync(instance.QmpPath, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Text.Json.JsonException)
        {
            if (_verbose)
            {
                _output.WriteLine("  note: QMP: " + e.Message);
            }

            return null;
        }
    }

    private async Task<bool> TryExecuteAsync(QmpClient qmp, string command, CancellationToken cancel)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(TimeSpan.FromSeconds(5));
            await qmp.ExecuteAsync(command, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Text.Json.JsonException)
        {
            // quit may close the socket before the reply reaches us: QEMU is going anyway.
            if (_verbose)
            {
                _output.WriteLine($"  note: QMP {command}: {e.Message}");
            }

            return command == "quit";
        }
    }

    private static async Task<bool> WaitForExitAsync(Instance instance, int pid, TimeSpan limit, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (ProcessProbe.IsAlive(pid, instance.Directory))
        {
            if (clock.Elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(50, cancel).ConfigureAwait(false);
        }
        return true;
    }
}
