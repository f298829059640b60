using System;
using System.IO;

namespace Mk.Instances;

/// <summary>One instance folder, <c>INSTANCES/NAME/</c>: <c>instance.json</c>,
/// <c>qemu.pid</c>, <c>console.log</c> (first serial port, detached runs), <c>klog.bin</c>
/// (second serial port), <c>qmp.sock</c> (QEMU's QMP control socket).</summary>
public sealed class Instance
{
    internal Instance(string directory, InstanceInfo info)
    {
        Directory = directory;
        Info = info;
    }

    /// <summary>The instance folder.</summary>
    public string Directory { get; }

    /// <summary>The recorded state.</summary>
    public InstanceInfo Info { get; }

    /// <summary>Instance name.</summary>
    public string Name => Info.Name;

    /// <summary>instance.json.</summary>
    public string InfoPath => Path.Combine(Directory, "instance.json");

    /// <summary>qemu.pid, written by QEMU (-pidfile).</summary>
    public string PidPath => Path.Combine(Directory, "qemu.pid");

    /// <summary>console.log: the first serial port of a detached instance.</summary>
    public string ConsolePath => Path.Combine(Directory, "console.log");

    /// <summary>klog.bin: the second serial port, framed kernel log records.</summary>
    public string KlogPath => Path.Combine(Directory, "klog.bin");

    /// <summary>qmp.sock: QEMU's QMP socket.</summary>
    public string QmpPath => Path.Combine(Directory, "qmp.sock");

    /// <summary>The second serial port as a socket (QEMU also logs its output to
    /// <see cref="KlogPath"/>): how <c>store</c> queries reach the guest's hostlink service.</summary>
    public string HostLinkPath => Path.Combine(Directory, "link.sock");

    /// <summary>QEMU's pid, 0 if not known.</summary>
    public int Pid => ProcessProbe.ReadPidFile(PidPath);

    /// <summary>True while this instance's QEMU process runs.</summary>
    public bool IsRunning => ProcessProbe.IsAlive(Pid, Directory);

    /// <summary>Writes <see cref="Info"/> back to instance.json.</summary>
    public void Save() => Compose.OutputFile.WriteIfChanged(InfoPath, System.Text.Encoding.UTF8.GetBytes(Info.ToJson()));

    /// <summary>Records how and when the instance ended, unless already recorded.</summary>
    public void MarkEnded(string ending, DateTimeOffset when)
    {
        if (Info.StoppedAt is not null)
        {
            return;
        }

        Info.StoppedAt = when;
        Info.Ending = ending;
        Save();
    }
}
