using System.Collections.Generic;
using System.Globalization;

namespace Mk.Instances;

/// <summary>How to boot one instance.</summary>
/// <param name="Image">Absolute path of the kernel ELF.</param>
/// <param name="Memory">RAM (<c>128M</c>).</param>
/// <param name="Smp">CPUs.</param>
/// <param name="Accel">kvm or tcg (already resolved from auto).</param>
/// <param name="Append">Kernel command line, "" for none.</param>
/// <param name="Detached">Daemonize, console to a file; else console on this terminal.</param>
public sealed record QemuOptions(string Image, string Memory, uint Smp, string Accel, string Append, bool Detached);

/// <summary>The qemu-system-x86_64 argument list for an instance: the same machine as
/// <c>make run</c> (pc, no display, no reboot), plus the instance's files: pid file, QMP
/// socket, and two serial ports — the console (terminal, or console.log when detached) and
/// the export port (a socket, link.sock, for host queries; its output logged to klog.bin).</summary>
public static class QemuCommand
{
    /// <summary>The QEMU executable.</summary>
    public const string Executable = "qemu-system-x86_64";

    /// <summary>Arguments for booting <paramref name="options"/> with state in <paramref name="instance"/>.</summary>
    public static IReadOnlyList<string> Arguments(QemuOptions options, Instance instance)
    {
        System.ArgumentNullException.ThrowIfNull(options);
        System.ArgumentNullException.ThrowIfNull(instance);
        var args = new List<string>
        {
            "-accel", options.Accel,
            "-cpu", options.Accel == "kvm" ? "host" : "max",
            "-M", "pc",
            "-m", options.Memory,
            "-smp", options.Smp.ToString(CultureInfo.InvariantCulture),
            "-kernel", options.Image,
        };
        if (options.Append.Length > 0)
        {
            args.AddRange(new[] { "-append", options.Append });
        }

        args.AddRange(new[] { "-display", "none", "-no-reboot" });
        if (options.Detached)
        {
            args.AddRange(new[] { "-serial", "file:" + instance.ConsolePath, "-monitor", "none" });
        }
        else
        {
            args.AddRange(new[] { "-serial", "mon:stdio" });
        }
        args.AddRange(new[]
        {
            // The export port: a socket for host queries (./mk store), with everything the
            // guest sends also appended to klog.bin, which ./mk klog reads.
            "-chardev", "socket,id=export,path=" + instance.HostLinkPath + ",server=on,wait=off,logfile=" + instance.KlogPath + ",logappend=on",
            "-serial", "chardev:export",
            "-qmp", "unix:" + instance.QmpPath + ",server=on,wait=off",
            "-pidfile", instance.PidPath,
        });
        if (options.Detached)
        {
            args.Add("-daemonize");
        }

        return args;
    }
}
