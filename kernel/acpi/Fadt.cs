using System;
using System.Buffers.Binary;
using Microkernel.Boot;

namespace Microkernel.Acpi;

/// <summary>
/// What the kernel needs from the FADT ("FACP", ACPI 6.5 section 5.2.9) to take the
/// power button, power off and reset. Register blocks are given as
/// <see cref="GenericAddress"/>: the 64-bit X_ field when the table is long enough to
/// have it and it is non-zero, else the legacy 32-bit port field.
/// </summary>
public struct FadtInfo
{
    /// <summary>Flags bit 4: the power button is a control-method device (in AML),
    /// not the fixed-feature PWRBTN_STS/PWRBTN_EN bits.</summary>
    public const uint PowerButtonIsControlMethod = 1u << 4;

    /// <summary>Flags bit 5: the sleep button is a control-method device.</summary>
    public const uint SleepButtonIsControlMethod = 1u << 5;

    /// <summary>Flags bit 10: RESET_REG is supported.</summary>
    public const uint ResetRegisterSupported = 1u << 10;

    /// <summary>Flags bit 20: hardware-reduced ACPI (no PM1 blocks; sleep through
    /// SLEEP_CONTROL_REG, power button through a GED device) — QEMU microvm.</summary>
    public const uint HardwareReduced = 1u << 20;

    /// <summary>Length from the header (bytes of FADT present).</summary>
    public uint Length;

    /// <summary>Header revision (1 for ACPI 1.0, 3 on QEMU pc/q35, 5+ for ACPI 5/6).</summary>
    public byte Revision;

    /// <summary>SCI_INT: the SCI as an ISA IRQ (8259 mode), or a GSI without an 8259.</summary>
    public ushort SciInterrupt;

    /// <summary>SMI_CMD port; 0 means ACPI mode is always on (no hand-over needed).</summary>
    public uint SmiCommand;

    /// <summary>Value to write to SMI_CMD to move to ACPI mode.</summary>
    public byte AcpiEnable;

    /// <summary>Value to write to SMI_CMD to return to legacy mode.</summary>
    public byte AcpiDisable;

    /// <summary>PM1_EVT_LEN: bytes of each PM1 event block (status half, then enable half).</summary>
    public byte Pm1EventLength;

    /// <summary>PM1_CNT_LEN: bytes of each PM1 control block.</summary>
    public byte Pm1ControlLength;

    /// <summary>PM1a event block (status at +0, enable at +<see cref="Pm1EventLength"/>/2).</summary>
    public GenericAddress Pm1aEvent;

    /// <summary>PM1b event block, if the chipset splits PM1 across two blocks.</summary>
    public GenericAddress Pm1bEvent;

    /// <summary>PM1a control block (SCI_EN, SLP_TYP, SLP_EN).</summary>
    public GenericAddress Pm1aControl;

    /// <summary>PM1b control block, if any.</summary>
    public GenericAddress Pm1bControl;

    /// <summary>The FADT flags (see the constants).</summary>
    public uint Flags;

    /// <summary>True when the FADT has RESET_REG (revision 2+, long enough) and flags
    /// bit 10 says it works.</summary>
    public bool HasResetRegister;

    /// <summary>RESET_REG (valid when <see cref="HasResetRegister"/>).</summary>
    public GenericAddress ResetRegister;

    /// <summary>RESET_VALUE: what to write to <see cref="ResetRegister"/>.</summary>
    public byte ResetValue;

    /// <summary>SLEEP_CONTROL_REG (ACPI 5.0+, hardware-reduced platforms), else not present.</summary>
    public GenericAddress SleepControl;

    /// <summary>SLEEP_STATUS_REG (ACPI 5.0+, hardware-reduced platforms), else not present.</summary>
    public GenericAddress SleepStatus;

    /// <summary>Physical address of the DSDT: X_DSDT if present and non-zero, else DSDT.</summary>
    public ulong DsdtAddress;

    /// <summary>True when the power button is the fixed-feature one (flags bit 4 clear).</summary>
    public readonly bool HasFixedPowerButton => (Flags & PowerButtonIsControlMethod) == 0 && (Flags & HardwareReduced) == 0;

    /// <summary>True for a hardware-reduced ACPI platform (flags bit 20).</summary>
    public readonly bool IsHardwareReduced => (Flags & HardwareReduced) != 0;
}

/// <summary>Parses the FADT (see <see cref="FadtInfo"/>).</summary>
public static class FadtParser
{
    /// <summary>Bytes of an ACPI 1.0 FADT, the least this parser accepts (through Flags).</summary>
    public const int MinimumLength = 116;

    /// <summary>Bytes read at most (through ACPI 6's hypervisor vendor id).</summary>
    public const int ReadLength = 276;

    private const int OffDsdt = 40;
    private const int OffSciInt = 46;
    private const int OffSmiCmd = 48;
    private const int OffAcpiEnable = 52;
    private const int OffAcpiDisable = 53;
    private const int OffPm1aEvt = 56;
    private const int OffPm1bEvt = 60;
    private const int OffPm1aCnt = 64;
    private const int OffPm1bCnt = 68;
    private const int OffPm1EvtLen = 88;
    private const int OffPm1CntLen = 89;
    private const int OffFlags = 112;
    private const int OffResetReg = 116;
    private const int OffResetValue = 128;
    private const int OffXDsdt = 140;
    private const int OffXPm1aEvt = 148;
    private const int OffXPm1bEvt = 160;
    private const int OffXPm1aCnt = 172;
    private const int OffXPm1bCnt = 184;
    private const int OffSleepControl = 244;
    private const int OffSleepStatus = 256;
    private const int GasLength = 12;

    /// <summary>
    /// Validates the table at <paramref name="address"/> as a FADT (signature,
    /// length, checksum) and decodes it into <paramref name="fadt"/>.
    /// </summary>
    public static AcpiStatus Read<TReader>(ref TReader memory, ulong address, out FadtInfo fadt)
        where TReader : struct, IPhysicalMemoryReader
    {
        fadt = default;
        AcpiStatus status = AcpiTableReader.ValidateTable(ref memory, address, AcpiTableReader.FacpSignature, out uint length);
        if (status != AcpiStatus.Ok)
        {
            return status;
        }

        Span<byte> table = stackalloc byte[ReadLength];
        int present = (int)Math.Min(length, (uint)ReadLength);
        if (!memory.TryRead(address, table.Slice(0, present)))
        {
            return AcpiStatus.UnreadableTable;
        }

        return Decode(table.Slice(0, present), length, out fadt);
    }

    /// <summary>
    /// Decodes FADT bytes already validated (<paramref name="table"/> holds the first
    /// <c>min(length, 276)</c> bytes, header included). Fields past the table's length
    /// are treated as absent.
    /// </summary>
    public static AcpiStatus Decode(ReadOnlySpan<byte> table, uint length, out FadtInfo fadt)
    {
        fadt = default;
        if (length < MinimumLength || table.Length < MinimumLength)
        {
            return AcpiStatus.BadLength;
        }

        // Bytes past the table's own length are not part of it, whatever the caller passed.
        table = table.Slice(0, (int)Math.Min(length, (uint)table.Length));

        fadt.Length = length;
        fadt.Revision = table[8];
        fadt.SciInterrupt = BinaryPrimitives.ReadUInt16LittleEndian(table.Slice(OffSciInt));
        fadt.SmiCommand = U32(table, OffSmiCmd);
        fadt.AcpiEnable = table[OffAcpiEnable];
        fadt.AcpiDisable = table[OffAcpiDisable];
        fadt.Pm1EventLength = table[OffPm1EvtLen];
        fadt.Pm1ControlLength = table[OffPm1CntLen];
        fadt.Flags = U32(table, OffFlags);

        fadt.Pm1aEvent = Block(table, OffXPm1aEvt, U32(table, OffPm1aEvt), fadt.Pm1EventLength);
        fadt.Pm1bEvent = Block(table, OffXPm1bEvt, U32(table, OffPm1bEvt), fadt.Pm1EventLength);
        fadt.Pm1aControl = Block(table, OffXPm1aCnt, U32(table, OffPm1aCnt), fadt.Pm1ControlLength);
        fadt.Pm1bControl = Block(table, OffXPm1bCnt, U32(table, OffPm1bCnt), fadt.Pm1ControlLength);
        if (fadt.Pm1EventLength == 0 && fadt.Pm1aEvent.BitWidth != 0)
        {
            // Only the X_ block says how wide the event block is.
            fadt.Pm1EventLength = (byte)(fadt.Pm1aEvent.BitWidth / 8);
        }

        // RESET_REG and RESET_VALUE arrived with ACPI 2.0 (FADT revision 2+).
        if (fadt.Revision >= 2 && Has(table, OffResetValue, 1) && (fadt.Flags & FadtInfo.ResetRegisterSupported) != 0)
        {
            fadt.ResetRegister = GenericAddress.Decode(table.Slice(OffResetReg, GasLength));
            fadt.ResetValue = table[OffResetValue];
            fadt.HasResetRegister = fadt.ResetRegister.IsPresent;
        }

        if (Has(table, OffSleepStatus, GasLength))
        {
            fadt.SleepControl = GenericAddress.Decode(table.Slice(OffSleepControl, GasLength));
            fadt.SleepStatus = GenericAddress.Decode(table.Slice(OffSleepStatus, GasLength));
        }

        ulong xDsdt = Has(table, OffXDsdt, 8) ? BinaryPrimitives.ReadUInt64LittleEndian(table.Slice(OffXDsdt)) : 0;
        fadt.DsdtAddress = xDsdt != 0 ? xDsdt : U32(table, OffDsdt);
        return AcpiStatus.Ok;
    }

    /// <summary>The X_ GAS at <paramref name="xOffset"/> if the table has it and its
    /// address is non-zero, else the legacy port block.</summary>
    private static GenericAddress Block(ReadOnlySpan<byte> table, int xOffset, uint legacyPort, byte legacyLength)
    {
        if (Has(table, xOffset, GasLength))
        {
            var x = GenericAddress.Decode(table.Slice(xOffset, GasLength));
            if (x.IsPresent)
            {
                return x;
            }
        }

        return GenericAddress.IoPort(legacyPort, legacyLength);
    }

    private static bool Has(ReadOnlySpan<byte> table, int offset, int size) => offset + size <= table.Length;

    private static uint U32(ReadOnlySpan<byte> table, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(offset));
}
