using System.Collections.Generic;

namespace Microkernel.BootTests;

/// <summary>One way of booting an image: which ELF, machine type, RAM, CPUs, kernel command line.</summary>
/// <param name="Image">Image name under out/ without <c>.elf</c>: <c>default</c> or <c>test</c>.</param>
/// <param name="Machine">QEMU machine type: <c>pc</c>, <c>q35</c> or <c>microvm</c>.</param>
/// <param name="Memory">QEMU <c>-m</c> value, e.g. <c>32M</c> or <c>4G</c>.</param>
/// <param name="Cpus">QEMU <c>-smp</c> value.</param>
/// <param name="Append">Kernel command line (<c>-append</c>), or null for none.</param>
/// <param name="MonitorSocket">A Unix socket path for QEMU's human monitor (to press the
/// power button with <c>system_powerdown</c>), or null for no monitor.</param>
/// <param name="ExportFile">A file that receives the second serial port (klog's export), or null for none.</param>
public sealed record BootConfig(string Image, string Machine, string Memory, int Cpus = 1, string? Append = null, string? MonitorSocket = null, string? ExportFile = null)
{
    /// <summary>The QEMU arguments: TCG, no display or monitor, serial on stdio, no reboot;
    /// for the test image also the isa-debug-exit device it leaves QEMU through.</summary>
    public IReadOnlyList<string> Arguments
    {
        get
        {
            var args = new List<string>
            {
                "-kernel", RepoPaths.Image(Image),
                "-M", Machine,
                "-m", Memory,
                "-smp", Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-accel", "tcg",
                "-display", "none",
                "-serial", "stdio",
                "-monitor", MonitorSocket is null ? "none" : $"unix:{MonitorSocket},server,nowait",
                "-no-reboot",
            };
            if (ExportFile is not null)
            {
                args.Add("-serial");
                args.Add("file:" + ExportFile);
            }
            if (Image == "test")
            {
                args.Add("-device");
                args.Add("isa-debug-exit,iobase=0xf4,iosize=0x04");
            }

            if (Append is not null)
            {
                args.Add("-append");
                args.Add(Append);
            }

            return args;
        }
    }

    /// <summary>A short description for test output, e.g. <c>test.elf on q35, 32M, 1 CPU, crash=ud</c>.</summary>
    public override string ToString() =>
        $"{Image}.elf on {Machine}, {Memory}, {Cpus} CPU{(Cpus == 1 ? "" : "s")}{(Append is null ? "" : ", " + Append)}";
}
