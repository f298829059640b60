using Microkernel.Acpi;
using Microkernel.Arch;
using Microkernel.Console;

namespace Microkernel.Power;

/// <summary>The ACPI fixed power button: PWRBTN_EN armed in the PM1 event block, the
/// SCI routed through the I/O APIC the MADT names, and a handler that turns a press into
/// a shutdown request (QEMU's <c>system_powerdown</c> presses it).</summary>
internal static unsafe class PowerButton
{
    /// <summary>Presses seen (a second press while shutting down is counted, not acted on).</summary>
    internal static int Presses;

    /// <summary>Inittab entry platform/power-button (after platform/acpi): 0 when armed,
    /// 1 when the machine has no fixed button in port space or no I/O APIC for its SCI.</summary>
    internal static int Initialize()
    {
        ref readonly AcpiPlatform platform = ref SystemAcpi.Platform;
        if (!SystemAcpi.HasFadt || !platform.CanUsePowerButton || platform.MadtStatus != AcpiStatus.Ok)
        {
            return Unavailable("no fixed power button or no MADT"u8);
        }

        InterruptRoute route = platform.Madt.RouteIsaIrq(platform.Fadt.SciInterrupt, isSci: true);
        int ioApic = platform.Madt.IoApicFor(route.Gsi);
        if (ioApic < 0)
        {
            return Unavailable("no I/O APIC serves the SCI"u8);
        }

        InterruptDispatcher.Register(InterruptVectors.AcpiSci, &OnSci);
        if (!AcpiPorts.ArmPowerButton(in platform.Fadt))
        {
            return Unavailable("PM1 event block not in port space"u8);
        }

        IoApicEntry entry = platform.Madt.IoApics[ioApic];
        if (!IoApic.Route(entry.Address, entry.GsiBase, route.Gsi, InterruptVectors.AcpiSci, route.ActiveLow, route.LevelTriggered, LocalApic.Id))
        {
            return Unavailable("the I/O APIC refused the route"u8);
        }

        LogLine line = Log.Begin(LogLevel.Info, "power"u8);
        line.Text("power button armed: SCI GSI "u8); line.Decimal(route.Gsi);
        line.Text(route.LevelTriggered ? " level"u8 : " edge"u8);
        line.Text(route.ActiveLow ? " low"u8 : " high"u8);
        line.End();
        return 0;
    }

    private static int Unavailable(System.ReadOnlySpan<byte> why)
    {
        LogLine line = Log.Begin(LogLevel.Warning, "power"u8);
        line.Text("no power button: "u8); line.Text(why);
        line.End();
        return 1;
    }

    /// <summary>The SCI: acknowledge a press (PWRBTN_STS is write-1-to-clear, which also
    /// drops the level-triggered line) and ask for a shutdown. Allocation-free.</summary>
    private static void OnSci(InterruptFrame* frame)
    {
        if (AcpiPorts.TakePowerButtonPress(in SystemAcpi.Platform.Fadt))
        {
            Presses++;
            Shutdown.Request(ShutdownReason.PowerButton);
        }
        LocalApic.EndOfInterrupt();
    }
}
