using Microkernel.Arch;

namespace Microkernel.Acpi;

/// <summary>
/// Kernel-only glue: the port I/O that applies <see cref="Pm1"/>'s values to the
/// registers a <see cref="FadtInfo"/> names. Only system-I/O registers are handled
/// (pc and q35); memory-mapped ones (hardware-reduced microvm) make each call return
/// false so the caller can fall back. Not host-tested (it is port writes); the values
/// it writes are, through <see cref="Pm1"/>.
/// </summary>
internal static class AcpiPorts
{
    /// <summary>Polls of SCI_EN after ACPI_ENABLE before giving up.</summary>
    private const int AcpiEnablePolls = 1_000_000;

    /// <summary>
    /// Switches the chipset to ACPI mode if needed (ACPI_ENABLE to SMI_CMD, then waits
    /// for SCI_EN), clears a stale power-button status and sets PWRBTN_EN, so a press
    /// raises the SCI. False if the FADT has no usable fixed power button in port space.
    /// </summary>
    internal static bool ArmPowerButton(in FadtInfo fadt)
    {
        if (!fadt.HasFixedPowerButton || !fadt.Pm1aEvent.IsIoPort || fadt.Pm1EventLength < 4)
        {
            return false;
        }

        if (fadt.Pm1aControl.IsIoPort)
        {
            ushort control = Cpu.InWord((ushort)fadt.Pm1aControl.Address);
            if (Pm1.NeedsAcpiEnable(control, fadt) && fadt.SmiCommand <= 0xFFFF)
            {
                Cpu.OutByte((ushort)fadt.SmiCommand, fadt.AcpiEnable);
                for (int i = 0; i < AcpiEnablePolls && !Pm1.IsAcpiMode(Cpu.InWord((ushort)fadt.Pm1aControl.Address)); i++)
                {
                    Cpu.Pause();
                }
            }
        }

        Arm(fadt.Pm1aEvent, fadt.Pm1EventLength);
        if (fadt.Pm1bEvent.IsIoPort)
        {
            Arm(fadt.Pm1bEvent, fadt.Pm1EventLength);
        }

        return true;
    }

    private static void Arm(in GenericAddress block, byte eventLength)
    {
        ushort status = (ushort)block.Address;
        ushort enable = (ushort)(status + Pm1.EnableRegisterOffset(eventLength));
        Cpu.OutWord(status, Pm1.PowerButtonAcknowledge);
        Cpu.OutWord(enable, Pm1.ArmPowerButton(Cpu.InWord(enable)));
    }

    /// <summary>For the SCI handler: true if the power button was pressed since the
    /// last call, acknowledging the press (PWRBTN_STS is write-1-to-clear).</summary>
    internal static bool TakePowerButtonPress(in FadtInfo fadt)
    {
        if (!fadt.Pm1aEvent.IsIoPort)
        {
            return false;
        }

        bool pressed = TakeFrom(fadt.Pm1aEvent);
        if (fadt.Pm1bEvent.IsIoPort)
        {
            pressed |= TakeFrom(fadt.Pm1bEvent);
        }

        return pressed;
    }

    private static bool TakeFrom(in GenericAddress block)
    {
        ushort port = (ushort)block.Address;
        if (!Pm1.IsPowerButtonPressed(Cpu.InWord(port)))
        {
            return false;
        }

        Cpu.OutWord(port, Pm1.PowerButtonAcknowledge);
        return true;
    }

    /// <summary>Writes S5 (SLP_TYP from <paramref name="s5"/>, SLP_EN) to PM1a and PM1b
    /// control. Returns only if the machine did not go down (or the registers are not
    /// in port space); the caller then waits and tries the next way.</summary>
    internal static bool EnterS5(in FadtInfo fadt, in SleepType s5)
    {
        if (fadt.IsHardwareReduced && fadt.SleepControl.IsIoPort)
        {
            Cpu.OutByte((ushort)fadt.SleepControl.Address, Pm1.SleepControlRegister(s5.A));
            return true;
        }

        if (!fadt.Pm1aControl.IsIoPort)
        {
            return false;
        }

        ushort a = (ushort)fadt.Pm1aControl.Address;
        if (fadt.Pm1bControl.IsIoPort)
        {
            ushort b = (ushort)fadt.Pm1bControl.Address;
            Cpu.OutWord(b, Pm1.SleepControl(Cpu.InWord(b), s5.B));
        }

        Cpu.OutWord(a, Pm1.SleepControl(Cpu.InWord(a), s5.A));
        return true;
    }

    /// <summary>Writes RESET_VALUE to the FADT's reset register when it is a port.</summary>
    internal static bool Reset(in FadtInfo fadt)
    {
        if (!fadt.HasResetRegister || !fadt.ResetRegister.IsIoPort)
        {
            return false;
        }

        Cpu.OutByte((ushort)fadt.ResetRegister.Address, fadt.ResetValue);
        return true;
    }
}
