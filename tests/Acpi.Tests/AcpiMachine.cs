using System;
using System.Collections.Generic;
using System.Linq;
using static Microkernel.Tests.AcpiImages;

namespace Microkernel.Tests;

/// <summary>
/// The physical memory of a machine's ACPI tables as (address, bytes) regions, so a test
/// can mutate any of them before building the <see cref="FakePhysicalMemory"/>. Facts about
/// what QEMU generates are in the comments of <see cref="AcpiImages"/> and below, with
/// where they come from.
/// </summary>
public sealed class AcpiMachine
{
    public List<(ulong Address, byte[] Bytes)> Regions = new();
    public ulong Rsdp;

    public FakePhysicalMemory Memory()
    {
        var memory = new FakePhysicalMemory();
        foreach ((ulong address, byte[]? bytes) in Regions)
        {
            memory.Add(address, bytes);
        }

        return memory;
    }

    public AcpiMachine Clone()
    {
        var copy = new AcpiMachine { Rsdp = Rsdp };
        foreach ((ulong a, byte[]? b) in Regions)
        {
            copy.Regions.Add((a, (byte[])b.Clone()));
        }

        return copy;
    }

    /// <summary>
    /// QEMU pc (i440FX + PIIX4) under SeaBIOS, ACPI as QEMU 7.x builds it
    /// (hw/i386/acpi-build.c, hw/acpi/aml-build.c build_fadt, hw/acpi/piix4.c):
    /// RSDP revision 0 with an RSDT (no XSDT on x86 pc/q35); FADT revision 3, 244 bytes;
    /// SCI_INT 9; SMI_CMD 0xB2 (ACPI_PORT_SMI_CMD, TCG has SMM); ACPI_ENABLE 0xF1 /
    /// ACPI_DISABLE 0xF0 (piix4.c); PM base 0x600 as SeaBIOS programs PIIX4's PMBA, so
    /// PM1a_EVT 0x600 (PM1_EVT_LEN 4), PM1a_CNT 0x604 (PM1_CNT_LEN 2), PM_TMR 0x608; no
    /// PM1b; flags WBINVD, PROC_C1, SLP_BUTTON, RTC_S4, USE_PLATFORM_CLOCK (so PWR_BUTTON
    /// clear: a fixed-feature power button); no RESET_REG on pc (only the ICH9 branch sets
    /// it); DSDT \_S5 = Package(4){0,0,0,0}.
    /// </summary>
    public static AcpiMachine QemuPc(int presentCpus = 1, int possibleCpus = 1) =>
        Build(new FadtSpec(), presentCpus, possibleCpus);

    /// <summary>
    /// QEMU q35 (ICH9): as pc, but ACPI_ENABLE 0x02 / ACPI_DISABLE 0x03
    /// (ICH9_APM_ACPI_ENABLE/DISABLE, include/hw/southbridge/ich9.h), RESET_REG = system
    /// I/O 0xCF9, 8 bits, RESET_VALUE 0x0F with RESET_REG_SUP set (acpi_get_pm_info's ICH9
    /// branch), SCI 9 (ICH9 ACPI_CTRL SCI_IRQ_SEL 0 = IRQ 9, hw/isa/lpc_ich9.c). The PM base
    /// is what the firmware put in the LPC's PMBASE; SeaBIOS uses 0x600 as on pc (the
    /// kernel's PowerControl reads it from the LPC bridge at run time).
    /// </summary>
    public static AcpiMachine QemuQ35(int presentCpus = 1, int possibleCpus = 1) =>
        Build(new FadtSpec
        {
            AcpiEnable = 0x02,
            AcpiDisable = 0x03,
            Flags = new FadtSpec().Flags | (1 << 10),
            ResetReg = Gas(1, 8, 0xCF9),
            ResetValue = 0x0F,
        }, presentCpus, possibleCpus);

    private static AcpiMachine Build(FadtSpec fadt, int presentCpus, int possibleCpus)
    {
        var machine = new AcpiMachine();
        ulong dsdtAt = TablesBase + 0x40;
        byte[] dsdt = QemuDsdt();
        ulong facsAt = TablesBase;
        ulong fadtAt = Align(dsdtAt + (ulong)dsdt.Length);
        fadt.Facs = (uint)facsAt;
        fadt.Dsdt = (uint)dsdtAt;
        fadt.XDsdt = dsdtAt;
        byte[] fadtBytes = Fadt(fadt);
        ulong madtAt = Align(fadtAt + (ulong)fadtBytes.Length);
        byte[] madt = QemuMadt(presentCpus, possibleCpus);
        ulong rsdtAt = Align(madtAt + (ulong)madt.Length);
        byte[] rsdt = Rsdt(fadtAt, madtAt);

        // FACS: signature and length only (nothing here reads it).
        byte[] facs = new byte[64];
        "FACS"u8.CopyTo(facs);
        facs[4] = 64;
        machine.Regions.Add((facsAt, facs));
        machine.Regions.Add((dsdtAt, dsdt));
        machine.Regions.Add((fadtAt, fadtBytes));
        machine.Regions.Add((madtAt, madt));
        machine.Regions.Add((rsdtAt, rsdt));

        // BIOS area: SeaBIOS code and data with the RSDP in the F-segment, plus a decoy
        // "RSD PTR " with a wrong checksum lower down that the search must pass over.
        byte[] bios = new byte[0x20000];
        new Random(7).NextBytes(bios);
        for (int i = 0; i + 8 <= bios.Length; i++)
        {
            if (bios.AsSpan(i, 8).SequenceEqual("RSD PTR "u8))
            {
                bios[i] = 0;
            }
        }

        byte[] decoy = Rsdp(0, (uint)rsdtAt, 0);
        decoy[8] ^= 0x55;
        decoy.CopyTo(bios, 0xF0000 - 0xE0000);
        Rsdp(0, (uint)rsdtAt, 0).CopyTo(bios, (int)(RsdpAddress - 0xE0000));
        machine.Regions.Add((0xE0000, bios));

        // BDA word at 0x40E: EBDA at 0x9FC00 (1 KiB below 640 KiB, as SeaBIOS sets up), no RSDP there.
        byte[] bda = new byte[0x100];
        bda[0x0E] = 0xC0;
        bda[0x0F] = 0x9F;
        machine.Regions.Add((0x400, bda));
        machine.Regions.Add((0x9FC00, new byte[0x400]));
        machine.Rsdp = RsdpAddress;
        return machine;
    }

    /// <summary>
    /// A hardware-reduced machine shaped like QEMU microvm (hw/i386/acpi-microvm.c): RSDP
    /// revision 2 with an XSDT, reached through PVH's rsdp_paddr (there is no BIOS area);
    /// FADT revision 5 with HW_REDUCED_ACPI, no PM1 blocks, SLEEP_CONTROL/STATUS registers
    /// in system memory (the GED's), and \_S5 = Package(4){5,0,0,0} (ACPI_GED_SLP_TYP_S5).
    /// Addresses here are illustrative, not QEMU's.
    /// </summary>
    public static AcpiMachine HardwareReduced()
    {
        var machine = new AcpiMachine();
        ulong dsdtAt = 0x7FE0000;
        byte[] dsdt = Table("DSDT", 2, ScopeRoot(NamePackage("_S5_", ByteConst(5), Zero, Zero, Zero)));
        ulong fadtAt = Align(dsdtAt + (ulong)dsdt.Length);
        byte[] fadt = Fadt(new FadtSpec
        {
            Revision = 5,
            Length = 276,
            SciInt = 0,
            SmiCmd = 0,
            AcpiEnable = 0,
            AcpiDisable = 0,
            Pm1aEvt = 0,
            Pm1aCnt = 0,
            PmTmr = 0,
            Pm1EvtLen = 0,
            Pm1CntLen = 0,
            PmTmrLen = 0,
            Flags = 1u << 20,
            WriteXBlocks = false,
            XDsdt = dsdtAt,
            SleepControl = Gas(0, 8, 0xFEA00000 + 2),
            SleepStatus = Gas(0, 8, 0xFEA00000 + 3),
        });
        ulong madtAt = Align(fadtAt + (ulong)fadt.Length);
        byte[] madt = Madt(0xFEE00000, 0, LocalApic(0, 0, 1), LocalApic(1, 1, 1), IoApic(0, 0xFEC00000, 0), Override(0, 2, 0));
        ulong xsdtAt = Align(madtAt + (ulong)madt.Length);
        byte[] xsdt = Xsdt(fadtAt, madtAt);
        ulong rsdpAt = Align(xsdtAt + (ulong)xsdt.Length);
        machine.Regions.Add((dsdtAt, dsdt));
        machine.Regions.Add((fadtAt, fadt));
        machine.Regions.Add((madtAt, madt));
        machine.Regions.Add((xsdtAt, xsdt));
        machine.Regions.Add((rsdpAt, Rsdp(2, 0, xsdtAt)));
        machine.Rsdp = rsdpAt;
        return machine;
    }

    private static ulong Align(ulong address) => (address + 63) & ~63UL;

    public byte[] RegionAt(ulong address) => Regions.Single(r => r.Address == address).Bytes;

    public void Replace(ulong address, byte[] bytes)
    {
        int i = Regions.FindIndex(r => r.Address == address);
        Regions[i] = (address, bytes);
    }
}
