using Microkernel.Boot;

namespace Microkernel.Acpi;

/// <summary>Everything the kernel takes from ACPI for power and interrupts, with a
/// status per part so one broken table does not hide the others.</summary>
public struct AcpiPlatform
{
    /// <summary>The RSDP used.</summary>
    public RsdpInfo Rsdp;

    /// <summary>The root table used (XSDT or RSDT).</summary>
    public RootTable Root;

    /// <summary>Finding and validating the RSDP and the root table.</summary>
    public AcpiStatus RootStatus;

    /// <summary>Physical address of the FADT (0 if not found).</summary>
    public ulong FadtAddress;

    /// <summary>The FADT's fields (valid when <see cref="FadtStatus"/> is Ok).</summary>
    public FadtInfo Fadt;

    /// <summary>Finding, validating and decoding the FADT.</summary>
    public AcpiStatus FadtStatus;

    /// <summary>Physical address of the MADT (0 if not found).</summary>
    public ulong MadtAddress;

    /// <summary>The MADT's entries (valid when <see cref="MadtStatus"/> is Ok or
    /// <see cref="AcpiStatus.TooManyMadtEntries"/>; partial after MalformedMadt).</summary>
    public MadtInfo Madt;

    /// <summary>Finding, validating and decoding the MADT.</summary>
    public AcpiStatus MadtStatus;

    /// <summary>S5 sleep types from the DSDT (valid when <see cref="S5Status"/> is Ok).</summary>
    public SleepType S5;

    /// <summary>Validating the DSDT and finding <c>\_S5_</c>; NoDsdt without a FADT DSDT.</summary>
    public AcpiStatus S5Status;

    /// <summary>True when the fixed-feature power button can be used: FADT read, PM1a
    /// event block present, fixed power button.</summary>
    public readonly bool CanUsePowerButton => FadtStatus == AcpiStatus.Ok && Fadt.HasFixedPowerButton && Fadt.Pm1aEvent.IsPresent && Fadt.Pm1EventLength >= 2;

    /// <summary>True when S5 can be entered through PM1 control.</summary>
    public readonly bool CanPowerOff => FadtStatus == AcpiStatus.Ok && S5Status == AcpiStatus.Ok && Fadt.Pm1aControl.IsPresent;

    /// <summary>The first problem of root, FADT, S5 and MADT, in that order (Ok if none).</summary>
    public readonly AcpiStatus FirstProblem
    {
        get
        {
            if (RootStatus != AcpiStatus.Ok)
            {
                return RootStatus;
            }

            if (FadtStatus != AcpiStatus.Ok)
            {
                return FadtStatus;
            }

            if (S5Status != AcpiStatus.Ok)
            {
                return S5Status;
            }

            return MadtStatus;
        }
    }
}

/// <summary>Reads the ACPI tables the kernel needs in one call.</summary>
public static class AcpiPlatformReader
{
    /// <summary>
    /// Finds the RSDP (at <paramref name="rsdpAddress"/> when non-zero, as PVH's
    /// <c>rsdp_paddr</c> gives it, else by the BIOS-area search), the root table, then
    /// the FADT, the DSDT's S5 package and the MADT. Returns
    /// <see cref="AcpiPlatform.FirstProblem"/>; each part's own status is in
    /// <paramref name="platform"/>.
    /// </summary>
    public static AcpiStatus Read<TReader>(ref TReader memory, ulong rsdpAddress, out AcpiPlatform platform)
        where TReader : struct, IPhysicalMemoryReader
    {
        platform = default;
        platform.FadtStatus = AcpiStatus.NoFadt;
        platform.MadtStatus = AcpiStatus.NoMadt;
        platform.S5Status = AcpiStatus.NoDsdt;
        platform.RootStatus = rsdpAddress != 0
            ? AcpiTableReader.ReadRsdp(ref memory, rsdpAddress, out platform.Rsdp)
            : AcpiTableReader.FindRsdp(ref memory, out platform.Rsdp);
        if (platform.RootStatus == AcpiStatus.Ok)
        {
            platform.RootStatus = AcpiTableReader.ReadRoot(ref memory, platform.Rsdp, out platform.Root);
        }

        if (platform.RootStatus != AcpiStatus.Ok)
        {
            return platform.RootStatus;
        }

        platform.FadtStatus = AcpiTableReader.FindTable(ref memory, platform.Root, AcpiTableReader.FacpSignature, AcpiStatus.NoFadt, out platform.FadtAddress, out _);
        if (platform.FadtStatus == AcpiStatus.Ok)
        {
            platform.FadtStatus = FadtParser.Read(ref memory, platform.FadtAddress, out platform.Fadt);
        }

        if (platform.FadtStatus == AcpiStatus.Ok && platform.Fadt.DsdtAddress != 0)
        {
            platform.S5Status = SleepPackage.ReadS5(ref memory, platform.Fadt.DsdtAddress, out platform.S5);
        }

        platform.MadtStatus = AcpiTableReader.FindTable(ref memory, platform.Root, AcpiTableReader.ApicSignature, AcpiStatus.NoMadt, out platform.MadtAddress, out _);
        if (platform.MadtStatus == AcpiStatus.Ok)
        {
            platform.MadtStatus = MadtParser.Read(ref memory, platform.MadtAddress, out platform.Madt);
        }

        return platform.FirstProblem;
    }
}
