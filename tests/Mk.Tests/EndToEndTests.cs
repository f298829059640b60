using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Mk.Instances;
using Xunit;
using Xunit.Abstractions;

namespace Mk.Tests;

/// <summary>The real tool on a real boot: run -d, ps, logs, stop, klog, rm, with the
/// instances in a folder of the test's own.</summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly ITestOutputHelper _log;
    private readonly string _instances = Path.Combine("/tmp", "mk-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public EndToEndTests(ITestOutputHelper log) => _log = log;

    public void Dispose()
    {
        // Never leave a QEMU behind, whatever failed.
        if (!Directory.Exists(_instances))
        {
            return;
        }

        foreach (Instance instance in new InstanceStore(_instances).List())
        {
            if (instance.IsRunning)
            {
                Process.GetProcessById(instance.Pid).Kill();
            }
        }
        Directory.Delete(_instances, true);
    }

    private (int Exit, string Out, string Err) Mk(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(typeof(Mk.Program).Assembly.Location);
        start.ArgumentList.Add("--instances");
        start.ArgumentList.Add(_instances);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["MK_ROOT"] = Repository.Root;
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), "mk " + string.Join(' ', args) + " timed out");
        process.WaitForExit();
        _log.WriteLine($"$ mk {string.Join(' ', args)}  -> {process.ExitCode}\n{stdout.Result}{stderr.Result}");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Brings out/default.elf up to date through make every time (make is incremental, so an
    /// up-to-date image costs a few checks): an existing file may be older than the sources,
    /// and a test of a stale image proves nothing. make composes the manifest itself.
    /// </summary>
    private static void EnsureImage()
    {
        var make = new ProcessStartInfo("make", "image") { WorkingDirectory = Repository.Root, UseShellExecute = false };
        using Process process = Process.Start(make)!;
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), "make image timed out");
        Assert.Equal(0, process.ExitCode);
    }

    private static void WaitFor(Func<bool> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds}s waiting for {what}");
            }

            Thread.Sleep(250);
        }
    }

    [Fact]
    public void Run_detached_ps_logs_stop_klog_rm()
    {
        EnsureImage();
        string name = "e2e-" + Guid.NewGuid().ToString("N")[..6];

        (int exit, string output, string error) = Mk("run", "images/default.yaml", "-d", "--name", name);
        Assert.True(exit == 0, output + error);
        Assert.Contains($"RUN     {name}:", output);

        WaitFor(() => Regex.IsMatch(Mk("ps").Out, $@"^{name}\s+default\s+running\s+128M\s+\d+s$", RegexOptions.Multiline),
            TimeSpan.FromSeconds(30), "ps to list the instance as running");
        int pid = new InstanceStore(_instances).Get(name).Pid;
        Assert.True(pid > 0);

        WaitFor(() => Mk("logs", name).Out.Contains("ready:", StringComparison.Ordinal), TimeSpan.FromSeconds(90), "ready: on the console");
        // A second instance of the same name is refused while the first runs.
        (int duplicate, _, string duplicateError) = Mk("run", "images/default.yaml", "-d", "--name", name);
        Assert.Equal(1, duplicate);
        Assert.Contains($"an instance called `{name}` is running", duplicateError);

        // The store, read from the host through the hostlink service.
        (exit, output, error) = Mk("store", "get", name, "kernel/memory/total-kib", "services/store/state", "no/such/entry");
        Assert.Equal(1, exit); // the unknown entry makes it fail, after answering the others
        Assert.Matches(@"(?m)^kernel/memory/total-kib = \d+ \(unsigned\)$", output);
        Assert.Contains("services/store/state = running (string)", output);
        Assert.Contains("no/such/entry: unknown name", error);

        (exit, output, error) = Mk("stop", name, "--timeout", "10");
        Assert.True(exit == 0, output + error);
        // The power button: the services stop in order and the guest powers itself off.
        Assert.Matches($@"^stopped {name} in \d+\.\d\ds \(powered off\)$", output.Trim());
        Assert.False(File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains(_instances, StringComparison.Ordinal)
            && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal), "QEMU still runs after stop");
        Assert.DoesNotContain(name, Mk("ps").Out);
        Assert.Matches($@"(?m)^{name}\s+default\s+exited\s+128M\s+-$", Mk("ps", "-a").Out);
        Instance stopped = new InstanceStore(_instances).Get(name);
        Assert.NotNull(stopped.Info.StoppedAt);
        Assert.Equal("powered-off", stopped.Info.Ending);

        (exit, output, _) = Mk("logs", name);
        Assert.Equal(0, exit);
        Assert.Contains("ready:", output);

        // klog exported the kernel's records from the first one on, and every stop but its own.
        (exit, output, error) = Mk("klog", name);
        Assert.Equal(0, exit);
        Assert.Contains("boot: microkernel starting", output);
        Assert.Contains("supervisor: stopped store", output);
        // A service's own record, sent to klog over its channel, under the service's name.
        (exit, output, _) = Mk("klog", name, "--source", "echo-client");
        Assert.Equal(0, exit);
        Assert.Contains(" echo-client: 100 calls answered correctly", output);
        (exit, output, _) = Mk("klog", name, "--source", "acpi");
        Assert.Equal(0, exit);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(" acpi: ", line));

        Assert.Equal(0, Mk("rm", name).Exit);
        Assert.False(Directory.Exists(Path.Combine(_instances, name)));
        (exit, _, error) = Mk("rm", name);
        Assert.Equal(1, exit);
        Assert.Contains($"no instance called `{name}`", error);
    }
}
