using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microkernel.Boot;

namespace Microkernel.Acpi;

/// <summary>An I/O APIC from the MADT (entry type 1).</summary>
public struct IoApicEntry
{
    /// <summary>The I/O APIC's id.</summary>
    public byte Id;

    /// <summary>Physical address of its registers.</summary>
    public uint Address;

    /// <summary>First global system interrupt it serves.</summary>
    public uint GsiBase;
}

/// <summary>An interrupt source override from the MADT (entry type 2): ISA IRQ
/// <see cref="Source"/> arrives at <see cref="Gsi"/> with the given flags.</summary>
public struct InterruptOverride
{
    /// <summary>Bus (0 = ISA).</summary>
    public byte Bus;

    /// <summary>The bus-relative (ISA) IRQ.</summary>
    public byte Source;

    /// <summary>The global system interrupt it is wired to.</summary>
    public uint Gsi;

    /// <summary>MPS INTI flags: bits 0-1 polarity (0 bus default, 1 high, 3 low),
    /// bits 2-3 trigger mode (0 bus default, 1 edge, 3 level).</summary>
    public ushort Flags;
}

/// <summary>Where an ISA interrupt arrives and how to program it (see <see cref="MadtInfo.RouteIsaIrq"/>).</summary>
public struct InterruptRoute
{
    /// <summary>Global system interrupt.</summary>
    public uint Gsi;

    /// <summary>Active low (else active high).</summary>
    public bool ActiveLow;

    /// <summary>Level triggered (else edge).</summary>
    public bool LevelTriggered;

    /// <summary>True when a MADT override gave the route (else the identity default).</summary>
    public bool Overridden;
}

/// <summary>Fixed storage for processor local APIC ids.</summary>
[InlineArray(MadtInfo.MaxProcessors)]
public struct ApicIdTable
{
    private uint _element0;
}

/// <summary>Fixed storage for I/O APICs.</summary>
[InlineArray(MadtInfo.MaxIoApics)]
public struct IoApicTable
{
    private IoApicEntry _element0;
}

/// <summary>Fixed storage for interrupt source overrides.</summary>
[InlineArray(MadtInfo.MaxOverrides)]
public struct OverrideTable
{
    private InterruptOverride _element0;
}

/// <summary>
/// What the MADT ("APIC", ACPI 6.5 section 5.2.12) says about interrupt controllers:
/// the enabled processors' local APIC ids, the I/O APICs and the ISA interrupt
/// overrides. Fixed capacities, no heap; extra entries are counted in
/// <see cref="Dropped"/>.
/// </summary>
public struct MadtInfo
{
    /// <summary>Processors kept.</summary>
    public const int MaxProcessors = 256;

    /// <summary>I/O APICs kept.</summary>
    public const int MaxIoApics = 16;

    /// <summary>Interrupt source overrides kept.</summary>
    public const int MaxOverrides = 32;

    /// <summary>Local APIC physical address (the 64-bit override entry, type 5, wins).</summary>
    public ulong LocalApicAddress;

    /// <summary>MADT flags (bit 0 PCAT_COMPAT: dual 8259s present, to be masked).</summary>
    public uint Flags;

    /// <summary>Enabled processors kept in <see cref="ProcessorApicIds"/>.</summary>
    public int ProcessorCount;

    /// <summary>Processor entries present but not enabled (flags bit 0 clear):
    /// hot-pluggable or absent CPUs, as QEMU lists up to its maximum.</summary>
    public int DisabledProcessors;

    /// <summary>I/O APICs kept in <see cref="IoApics"/>.</summary>
    public int IoApicCount;

    /// <summary>Overrides kept in <see cref="Overrides"/>.</summary>
    public int OverrideCount;

    /// <summary>Entries that did not fit the fixed tables.</summary>
    public int Dropped;

    /// <summary>Local APIC (or x2APIC) ids of enabled processors, in table order.</summary>
    public ApicIdTable ProcessorApicIds;

    /// <summary>I/O APICs in table order.</summary>
    public IoApicTable IoApics;

    /// <summary>Interrupt source overrides in table order.</summary>
    public OverrideTable Overrides;

    /// <summary>
    /// Where ISA IRQ <paramref name="irq"/> arrives: the MADT override for it if there is
    /// one, else GSI = IRQ. Polarity and trigger "conforming to the bus" mean edge/high for
    /// ISA, except for the SCI (<paramref name="isSci"/>), which ACPI defines as a
    /// shareable level-triggered active-low interrupt.
    /// </summary>
    public readonly InterruptRoute RouteIsaIrq(uint irq, bool isSci)
    {
        InterruptRoute route = default;
        route.Gsi = irq;
        ushort flags = 0;
        for (int i = 0; i < OverrideCount; i++)
        {
            InterruptOverride o = Overrides[i];
            if (o.Bus == 0 && o.Source == irq)
            {
                route.Gsi = o.Gsi;
                route.Overridden = true;
                flags = o.Flags;
                break;
            }
        }

        int polarity = flags & 3;
        int trigger = (flags >> 2) & 3;
        route.ActiveLow = polarity == 3 || (polarity != 1 && isSci);
        route.LevelTriggered = trigger == 3 || (trigger != 1 && isSci);
        return route;
    }

    /// <summary>Index into <see cref="IoApics"/> of the I/O APIC whose range starts at or
    /// below <paramref name="gsi"/> closest to it, or -1 (the caller checks the pin count,
    /// which only the I/O APIC itself knows).</summary>
    public readonly int IoApicFor(uint gsi)
    {
        int best = -1;
        for (int i = 0; i < IoApicCount; i++)
        {
            uint gsiBase = IoApics[i].GsiBase;
            if (gsiBase <= gsi && (best < 0 || gsiBase > IoApics[best].GsiBase))
            {
                best = i;
            }
        }

        return best;
    }
}

/// <summary>Parses the MADT (see <see cref="MadtInfo"/>).</summary>
public static class MadtParser
{
    /// <summary>Header plus local APIC address and flags.</summary>
    public const int FixedLength = 44;

    private const byte TypeLocalApic = 0;
    private const byte TypeIoApic = 1;
    private const byte TypeOverride = 2;
    private const byte TypeLocalApicAddress = 5;
    private const byte TypeLocalX2Apic = 9;

    /// <summary>
    /// Validates the table at <paramref name="address"/> as a MADT and decodes its
    /// entries. A malformed entry stops the walk with <see cref="AcpiStatus.MalformedMadt"/>
    /// (what came before it is kept); entries beyond the fixed capacities give
    /// <see cref="AcpiStatus.TooManyMadtEntries"/> with everything else decoded.
    /// </summary>
    public static AcpiStatus Read<TReader>(ref TReader memory, ulong address, out MadtInfo madt)
        where TReader : struct, IPhysicalMemoryReader
    {
        madt = default;
        AcpiStatus status = AcpiTableReader.ValidateTable(ref memory, address, AcpiTableReader.ApicSignature, out uint length);
        if (status != AcpiStatus.Ok)
        {
            return status;
        }

        if (length < FixedLength)
        {
            return AcpiStatus.BadLength;
        }

        Span<byte> entry = stackalloc byte[256];
        if (!memory.TryRead(address + AcpiTableReader.HeaderLength, entry.Slice(0, 8)))
        {
            return AcpiStatus.UnreadableTable;
        }

        madt.LocalApicAddress = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        madt.Flags = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(4));

        // Each entry is at least 2 bytes, so the walk ends within length / 2 steps.
        for (uint offset = FixedLength; offset < length;)
        {
            if (length - offset < 2 || !memory.TryRead(address + offset, entry.Slice(0, 2)))
            {
                return AcpiStatus.MalformedMadt;
            }

            byte type = entry[0];
            byte entryLength = entry[1];
            if (entryLength < 2 || entryLength > length - offset)
            {
                return AcpiStatus.MalformedMadt;
            }

            if (!memory.TryRead(address + offset, entry.Slice(0, entryLength)))
            {
                return AcpiStatus.UnreadableTable;
            }

            if (!DecodeEntry(entry.Slice(0, entryLength), type, ref madt))
            {
                return AcpiStatus.MalformedMadt;
            }

            offset += entryLength;
        }

        return madt.Dropped != 0 ? AcpiStatus.TooManyMadtEntries : AcpiStatus.Ok;
    }

    /// <summary>Decodes one entry; false if it is shorter than its type requires.
    /// Unknown types are skipped.</summary>
    private static bool DecodeEntry(ReadOnlySpan<byte> e, byte type, ref MadtInfo madt)
    {
        switch (type)
        {
            case TypeLocalApic:
                if (e.Length < 8)
                {
                    return false;
                }

                AddProcessor(ref madt, e[3], BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(4)));
                return true;

            case TypeLocalX2Apic:
                if (e.Length < 16)
                {
                    return false;
                }

                AddProcessor(ref madt, BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(4)), BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(8)));
                return true;

            case TypeIoApic:
                if (e.Length < 12)
                {
                    return false;
                }

                if (madt.IoApicCount == MadtInfo.MaxIoApics)
                {
                    madt.Dropped++;
                    return true;
                }

                IoApicEntry ioApic;
                ioApic.Id = e[2];
                ioApic.Address = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(4));
                ioApic.GsiBase = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(8));
                madt.IoApics[madt.IoApicCount++] = ioApic;
                return true;

            case TypeOverride:
                if (e.Length < 10)
                {
                    return false;
                }

                if (madt.OverrideCount == MadtInfo.MaxOverrides)
                {
                    madt.Dropped++;
                    return true;
                }

                InterruptOverride o;
                o.Bus = e[2];
                o.Source = e[3];
                o.Gsi = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(4));
                o.Flags = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(8));
                madt.Overrides[madt.OverrideCount++] = o;
                return true;

            case TypeLocalApicAddress:
                if (e.Length < 12)
                {
                    return false;
                }

                madt.LocalApicAddress = BinaryPrimitives.ReadUInt64LittleEndian(e.Slice(4));
                return true;

            default:
                return true;
        }
    }

    private static void AddProcessor(ref MadtInfo madt, uint apicId, uint flags)
    {
        if ((flags & 1) == 0)
        {
            madt.DisabledProcessors++;
            return;
        }

        if (madt.ProcessorCount == MadtInfo.MaxProcessors)
        {
            madt.Dropped++;
            return;
        }

        madt.ProcessorApicIds[madt.ProcessorCount++] = apicId;
    }
}
