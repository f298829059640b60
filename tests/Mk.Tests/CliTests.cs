using System;
using System.IO;
using System.Linq;
using Mk.Cli;
using Mk.Instances;
using Xunit;

namespace Mk.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _instances = Path.Combine(Path.GetTempPath(), "mk-tests-inst-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_instances))
        {
            Directory.Delete(_instances, true);
        }
    }

    private static InstanceInfo Info(string name) => new()
    {
        Name = name,
        Image = "/x/out/default.elf",
        Memory = "128M",
        Smp = 2,
        Accel = "tcg",
        StartedAt = DateTimeOffset.UtcNow,
        Detached = true,
    };

    [Fact]
    public void Detached_qemu_gets_the_instance_files_and_daemonizes()
    {
        var store = new InstanceStore(_instances);
        Instance instance = store.Create(Info("a"));
        string[] args = QemuCommand.Arguments(new QemuOptions("/x/out/default.elf", "128M", 2, "tcg", "loglevel=debug", true), instance).ToArray();
        string joined = string.Join(' ', args);
        Assert.Contains("-M pc -m 128M -smp 2 -kernel /x/out/default.elf -append loglevel=debug", joined);
        Assert.Contains("-display none -no-reboot", joined);
        Assert.Contains($"-serial file:{instance.ConsolePath}", joined);
        // The export port: a socket for host queries whose output QEMU also logs to klog.bin.
        Assert.Contains($"-chardev socket,id=export,path={instance.HostLinkPath},server=on,wait=off,logfile={instance.KlogPath},logappend=on -serial chardev:export", joined);
        // The console is the first serial port, klog the second.
        Assert.True(joined.IndexOf(instance.ConsolePath, StringComparison.Ordinal) < joined.IndexOf(instance.KlogPath, StringComparison.Ordinal));
        Assert.Contains($"-qmp unix:{instance.QmpPath},server=on,wait=off", joined);
        Assert.Contains($"-pidfile {instance.PidPath}", joined);
        Assert.Equal("-daemonize", args[^1]);
        Assert.Contains("-cpu max", joined);
    }

    [Fact]
    public void Foreground_qemu_has_the_console_on_the_terminal()
    {
        Instance instance = new InstanceStore(_instances).Create(Info("b"));
        string joined = string.Join(' ', QemuCommand.Arguments(new QemuOptions("/i.elf", "64M", 1, "kvm", "", false), instance));
        Assert.Contains("-serial mon:stdio -chardev socket,id=export,", joined);
        Assert.DoesNotContain("-daemonize", joined);
        Assert.DoesNotContain("-append", joined);
        Assert.Contains("-accel kvm -cpu host", joined);
    }

    [Fact]
    public void Store_names_lists_and_removes()
    {
        var store = new InstanceStore(_instances);
        Assert.Empty(store.List());
        Assert.Equal("default-1", store.DefaultName("default"));
        store.Create(Info("default-1"));
        Assert.Equal("default-2", store.DefaultName("default"));
        Instance listed = Assert.Single(store.List());
        Assert.Equal("default-1", listed.Name);
        Assert.Equal(2u, listed.Info.Smp);
        Assert.False(listed.IsRunning); // no pid file
        listed.MarkEnded("forced", DateTimeOffset.UtcNow);
        Assert.Equal("forced", store.Get("default-1").Info.Ending);
        store.Remove("default-1");
        Assert.Empty(store.List());
        Assert.Throws<MkException>(() => store.Get("default-1"));
        Assert.Throws<MkException>(() => store.Get("../etc"));
    }

    [Fact]
    public void A_pid_file_of_an_unrelated_process_is_not_running()
    {
        Instance instance = new InstanceStore(_instances).Create(Info("c"));
        // Our own pid is alive but its command line does not name the instance folder.
        File.WriteAllText(instance.PidPath, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(instance.IsRunning);
    }

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(65, "1m05s")]
    [InlineData(3 * 3600 + 120, "3h02m")]
    [InlineData(26 * 3600, "1d02h")]
    public void Uptime_format(int seconds, string text) => Assert.Equal(text, Verbs.FormatDuration(TimeSpan.FromSeconds(seconds)));
}
