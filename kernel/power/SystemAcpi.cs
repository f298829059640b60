using Microkernel.Acpi;
using Microkernel.Arch;
using Microkernel.Boot;
using Microkernel.Console;

namespace Microkernel.Power;

/// <summary>The machine's ACPI description, read once at boot (kernel/acpi parses; this
/// keeps the result and does the port I/O through kernel/acpi/hardware): the power
/// button's SCI, S5 power off, and the reset register.</summary>
internal static class SystemAcpi
{
    private static AcpiPlatform s_platform;
    private static bool s_read;

    /// <summary>True once the tables were read and the FADT is usable.</summary>
    internal static bool HasFadt => s_read && s_platform.FadtStatus == AcpiStatus.Ok;

    /// <summary>The platform as read (valid after <see cref="Initialize"/>).</summary>
    internal static ref readonly AcpiPlatform Platform => ref s_platform;

    /// <summary>Inittab entry platform/acpi: finds the RSDP (the PVH start info's, or by
    /// search), reads FADT, MADT and \_S5, and logs what the power path will use.
    /// Returns 0, or 1 when there is no usable FADT (power-button and S5 then fall back).</summary>
    internal static int Initialize()
    {
        IdentityMappedMemory memory = default;
        AcpiStatus status = AcpiPlatformReader.Read(ref memory, Init.Kmain.RsdpAddress, out s_platform);
        s_read = true;
        LogLine line = Log.Begin(HasFadt ? LogLevel.Info : LogLevel.Warning, "acpi"u8);
        if (!HasFadt)
        {
            line.Text("no usable FADT (status "u8); line.Decimal((long)status); line.Text("): legacy power paths only"u8);
            line.End();
            return 1;
        }
        line.Text("FADT rev "u8); line.Decimal(s_platform.Fadt.Revision);
        line.Text(" SCI "u8); line.Decimal(s_platform.Fadt.SciInterrupt);
        line.Text(" PM1a_EVT "u8); line.Hex(s_platform.Fadt.Pm1aEvent.Address);
        line.Text(" PM1a_CNT "u8); line.Hex(s_platform.Fadt.Pm1aControl.Address);
        line.Text(s_platform.S5Status == AcpiStatus.Ok ? " S5 "u8 : " no S5"u8);
        if (s_platform.S5Status == AcpiStatus.Ok)
        {
            line.Decimal(s_platform.S5.A);
        }

        line.Text(" I/O APICs "u8); line.Decimal(s_platform.MadtStatus == AcpiStatus.Ok ? s_platform.Madt.IoApicCount : 0);
        // The enabled processors the MADT lists: the boot tests check it against -smp.
        line.Text(" CPUs "u8); line.Decimal(s_platform.MadtStatus == AcpiStatus.Ok ? s_platform.Madt.ProcessorCount : 0);
        line.Text(s_platform.Fadt.HasResetRegister ? " reset-reg"u8 : ""u8);
        line.End();
        return 0;
    }

    /// <summary>Powers off through the FADT (S5); returns if that did not take (after
    /// giving the hypervisor a moment), so the caller tries the legacy ways.</summary>
    internal static void TryPowerOff()
    {
        if (!HasFadt || !s_platform.CanPowerOff)
        {
            return;
        }

        if (AcpiPorts.EnterS5(in s_platform.Fadt, in s_platform.S5))
        {
            PowerControl.WaitMilliseconds(500);
        }
    }

    /// <summary>Resets through the FADT's reset register, if it has one.</summary>
    internal static void TryReset()
    {
        if (HasFadt && AcpiPorts.Reset(in s_platform.Fadt))
        {
            PowerControl.WaitMilliseconds(100);
        }
    }
}
