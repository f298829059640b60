using Microkernel.Arch;
using Microkernel.Console;
using Microkernel.Process;
using Microkernel.Scheduling;

namespace Microkernel.Power;

/// <summary>Why the system is going down.</summary>
internal enum ShutdownReason
{
    /// <summary>Not going down.</summary>
    None = 0,
    /// <summary>The ACPI power button (QEMU: system_powerdown; the CLI's stop verb).</summary>
    PowerButton = 1,
    /// <summary>The supervisor asked to power off.</summary>
    PowerOffRequest = 2,
    /// <summary>The supervisor asked to reboot.</summary>
    RebootRequest = 3,
}

/// <summary>The ordered shutdown: one kernel thread at the highest priority waits for
/// a request (the power button's interrupt, a privileged service), then runs the
/// inittab's term entries in reverse (the supervisor's stops every service in reverse
/// start order with a deadline, forcing those that ignore it), prints the final line
/// — how the system went down and how long it took — and powers off (ACPI S5, then the
/// legacy ports) or resets.</summary>
internal static unsafe class Shutdown
{
    /// <summary>What the coordinator waits on (made in <see cref="Initialize"/>; a request
    /// before then finds the flag set when the coordinator first looks).</summary>
    private static WaitObject? s_wake;
    private static int s_reason;
    private static ulong s_requestTsc;

    /// <summary>Services that ended after the request, and of those the ones killed.</summary>
    internal static int ServicesStopped, ServicesForced;

    /// <summary>True once a shutdown was requested.</summary>
    internal static bool IsRequested => System.Threading.Volatile.Read(ref s_reason) != 0;

    /// <summary>Inittab entry system/shutdown: starts the coordinator thread.</summary>
    internal static int Initialize()
    {
        s_wake = new WaitObject();
        ThreadId thread = Threads.Create(&Coordinator, 0, Scheduler.MaxPriority);
        return !thread.IsNone && Threads.Start(thread) ? 0 : 1;
    }

    /// <summary>Asks for a shutdown; the first request wins, later ones are ignored.
    /// Safe in an interrupt handler (no allocation, no blocking).</summary>
    internal static void Request(ShutdownReason reason)
    {
        if (System.Threading.Interlocked.CompareExchange(ref s_reason, (int)reason, 0) != 0)
        {
            return;
        }

        s_requestTsc = Cpu.ReadTsc();
        s_wake?.WakeOne();
    }

    /// <summary>Counts a service that ended while the system was going down.</summary>
    internal static void CountStopped(long status)
    {
        if (!IsRequested)
        {
            return;
        }

        ServicesStopped++;
        if (status == Abi.ExitStatus.Killed)
        {
            ServicesForced++;
        }
    }

    private static void Coordinator(ulong unused)
    {
        while (!IsRequested)
        {
            s_wake!.Wait(ulong.MaxValue);
        }

        var reason = (ShutdownReason)s_reason;
        LogLine line = Log.Begin(LogLevel.Info, "shutdown"u8);
        line.Text("requested by "u8); line.Text(Describe(reason));
        line.End();

        Init.KernelInitTab.RunTerm();

        ulong ms = TimeStampCounter.ToMicroseconds(Cpu.ReadTsc() - s_requestTsc) / 1000;
        bool reboot = reason == ShutdownReason.RebootRequest;
        var last = new LogLine(true);
        last.Text("shutdown: "u8); last.Text(Describe(reason));
        last.Text(": "u8); last.Decimal(ServicesStopped); last.Text(" services stopped ("u8);
        last.Decimal(ServicesForced); last.Text(" forced) in "u8); last.Decimal((long)ms);
        last.Text(reboot ? " ms; rebooting"u8 : " ms; powering off"u8);
        last.End();
        if (reboot)
        {
            SystemAcpi.TryReset();
            PowerControl.Reboot();
        }
        SystemAcpi.TryPowerOff();
        PowerControl.PowerOff(quiet: true);
    }

    private static System.ReadOnlySpan<byte> Describe(ShutdownReason reason) => reason switch
    {
        ShutdownReason.PowerButton => "power button"u8,
        ShutdownReason.PowerOffRequest => "power-off request"u8,
        ShutdownReason.RebootRequest => "reboot request"u8,
        _ => "unknown"u8,
    };
}
