namespace Microkernel.Acpi;

/// <summary>
/// Bit arithmetic for the fixed-feature PM1 registers (ACPI 6.5 section 4.8.3) and the
/// hardware-reduced sleep control register, as pure functions: the port I/O that uses
/// them lives elsewhere. PM1 status and enable are the two halves of a PM1 event block
/// (each <c>PM1_EVT_LEN / 2</c> bytes); status bits are cleared by writing 1.
/// </summary>
public static class Pm1
{
    /// <summary>PM1 status TMR_STS (bit 0).</summary>
    public const ushort TimerStatus = 1 << 0;

    /// <summary>PM1 status PWRBTN_STS (bit 8): the power button was pressed.</summary>
    public const ushort PowerButtonStatus = 1 << 8;

    /// <summary>PM1 status WAK_STS (bit 15).</summary>
    public const ushort WakeStatus = 1 << 15;

    /// <summary>PM1 enable PWRBTN_EN (bit 8): a press raises the SCI.</summary>
    public const ushort PowerButtonEnable = 1 << 8;

    /// <summary>PM1 control SCI_EN (bit 0): the chipset is in ACPI mode (events raise
    /// the SCI rather than an SMI).</summary>
    public const ushort SciEnable = 1 << 0;

    /// <summary>PM1 control SLP_TYP field shift (bits 10-12).</summary>
    public const int SleepTypeShift = 10;

    /// <summary>PM1 control SLP_TYP field mask.</summary>
    public const ushort SleepTypeMask = 7 << SleepTypeShift;

    /// <summary>PM1 control SLP_EN (bit 13): writing 1 enters the sleep state in SLP_TYP.</summary>
    public const ushort SleepEnable = 1 << 13;

    /// <summary>Hardware-reduced SLEEP_CONTROL_REG: SLP_TYPx in bits 2-4, SLP_EN bit 5.</summary>
    public const byte SleepControlEnable = 1 << 5;

    /// <summary>Offset of the PM1 enable register within an event block of
    /// <paramref name="pm1EventLength"/> bytes (the second half).</summary>
    public static int EnableRegisterOffset(byte pm1EventLength) => pm1EventLength / 2;

    /// <summary>True if a PM1 status value (PM1a | PM1b) reports a power button press.</summary>
    public static bool IsPowerButtonPressed(ushort pm1Status) => (pm1Status & PowerButtonStatus) != 0;

    /// <summary>The value to write to PM1 status to acknowledge a press (write-1-to-clear;
    /// other status bits are written 0 so they stay untouched).</summary>
    public static ushort PowerButtonAcknowledge => PowerButtonStatus;

    /// <summary>PM1 enable value that arms the power button, keeping the other enables.</summary>
    public static ushort ArmPowerButton(ushort currentEnable) => (ushort)(currentEnable | PowerButtonEnable);

    /// <summary>True if PM1 control says the chipset is already in ACPI mode.</summary>
    public static bool IsAcpiMode(ushort pm1Control) => (pm1Control & SciEnable) != 0;

    /// <summary>True if the OS must write ACPI_ENABLE to SMI_CMD to take over: not yet
    /// in ACPI mode, and the FADT gives the port and command (both 0 means "always on").</summary>
    public static bool NeedsAcpiEnable(ushort pm1Control, in FadtInfo fadt) =>
        !IsAcpiMode(pm1Control) && fadt.SmiCommand != 0 && fadt.AcpiEnable != 0;

    /// <summary>PM1 control value that enters sleep type <paramref name="sleepType"/>:
    /// SLP_TYP = low 3 bits, SLP_EN set, the other bits of <paramref name="currentControl"/>
    /// (SCI_EN among them) kept.</summary>
    public static ushort SleepControl(ushort currentControl, byte sleepType) =>
        (ushort)((currentControl & ~(SleepTypeMask | SleepEnable)) | ((sleepType & 7) << SleepTypeShift) | SleepEnable);

    /// <summary>PM1 control value for <paramref name="sleepType"/> from a zero register:
    /// <c>SLP_TYP &lt;&lt; 10 | SLP_EN</c> (0x2000 for QEMU's S5, SLP_TYP 0).</summary>
    public static ushort SleepControl(byte sleepType) => SleepControl(0, sleepType);

    /// <summary>Hardware-reduced SLEEP_CONTROL_REG value for <paramref name="sleepType"/>:
    /// <c>SLP_TYP &lt;&lt; 2 | SLP_EN</c>.</summary>
    public static byte SleepControlRegister(byte sleepType) => (byte)(((sleepType & 7) << 2) | SleepControlEnable);
}
