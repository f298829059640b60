using System;
using Microkernel.Acpi;
using Xunit;
using static Microkernel.Tests.AcpiImages;

namespace Microkernel.Tests;

/// <summary>The reader on tables shaped like QEMU's pc, q35 and microvm.</summary>
public class QemuTableTests
{
    private static AcpiPlatform Read(AcpiMachine machine, ulong rsdp, AcpiStatus expected = AcpiStatus.Ok)
    {
        FakePhysicalMemory memory = machine.Memory();
        Assert.Equal(expected, AcpiPlatformReader.Read(ref memory, rsdp, out AcpiPlatform platform));
        memory.AssertNoOutOfBoundsSuccess();
        return platform;
    }

    [Fact]
    public void Pc_tables_found_by_the_bios_area_search_give_piix4_values()
    {
        var machine = AcpiMachine.QemuPc(presentCpus: 2, possibleCpus: 4);
        FakePhysicalMemory memory = machine.Memory();
        AcpiPlatform p = Read(machine, 0);
        Assert.Equal(RsdpAddress, p.Rsdp.Address);   // past the decoy with a bad checksum
        Assert.Equal(0, p.Rsdp.Revision);
        Assert.False(p.Root.IsXsdt);
        Assert.Equal(2, p.Root.EntryCount);

        FadtInfo f = p.Fadt;
        Assert.Equal(3, f.Revision);
        Assert.Equal(244u, f.Length);
        Assert.Equal(9, f.SciInterrupt);
        Assert.Equal(0xB2u, f.SmiCommand);
        Assert.Equal(0xF1, f.AcpiEnable);
        Assert.Equal(0xF0, f.AcpiDisable);
        Assert.True(f.Pm1aEvent.IsIoPort);
        Assert.Equal(0x600UL, f.Pm1aEvent.Address);
        Assert.Equal(32, f.Pm1aEvent.BitWidth);
        Assert.Equal(0x604UL, f.Pm1aControl.Address);
        Assert.Equal(16, f.Pm1aControl.BitWidth);
        Assert.False(f.Pm1bEvent.IsPresent);
        Assert.False(f.Pm1bControl.IsPresent);
        Assert.Equal(4, f.Pm1EventLength);
        Assert.Equal(2, f.Pm1ControlLength);
        Assert.True(f.HasFixedPowerButton);
        Assert.False(f.HasResetRegister);
        Assert.False(f.IsHardwareReduced);
        Assert.Equal(machine.Regions[1].Address, f.DsdtAddress);

        Assert.Equal(0, p.S5.A);
        Assert.Equal(0, p.S5.B);
        Assert.True(p.CanPowerOff);
        Assert.True(p.CanUsePowerButton);
        Assert.Equal(0x2000, Pm1.SleepControl(p.S5.A));       // what PowerControl writes to 0x604 today
        Assert.Equal(2, Pm1.EnableRegisterOffset(f.Pm1EventLength)); // PM1a_EN at 0x602

        MadtInfo m = p.Madt;
        Assert.Equal(0xFEE00000UL, m.LocalApicAddress);
        Assert.Equal(1u, m.Flags);
        Assert.Equal(2, m.ProcessorCount);
        Assert.Equal(0u, m.ProcessorApicIds[0]);
        Assert.Equal(1u, m.ProcessorApicIds[1]);
        Assert.Equal(2, m.DisabledProcessors);
        Assert.Equal(1, m.IoApicCount);
        Assert.Equal(0xFEC00000u, m.IoApics[0].Address);
        Assert.Equal(0u, m.IoApics[0].GsiBase);
        Assert.Equal(5, m.OverrideCount);

        // The SCI: IRQ 9 → GSI 9, level triggered, active high (override flags 0xD).
        InterruptRoute sci = m.RouteIsaIrq(f.SciInterrupt, isSci: true);
        Assert.Equal(9u, sci.Gsi);
        Assert.True(sci.Overridden);
        Assert.True(sci.LevelTriggered);
        Assert.False(sci.ActiveLow);
        Assert.Equal(0, m.IoApicFor(sci.Gsi));
        // The PIT: IRQ 0 → GSI 2, conforming = edge/high for ISA.
        InterruptRoute timer = m.RouteIsaIrq(0, isSci: false);
        Assert.Equal(2u, timer.Gsi);
        Assert.False(timer.LevelTriggered);
        Assert.False(timer.ActiveLow);
        // COM1: no override, identity.
        InterruptRoute com1 = m.RouteIsaIrq(4, isSci: false);
        Assert.Equal(4u, com1.Gsi);
        Assert.False(com1.Overridden);
    }

    [Fact]
    public void Valid_tables_are_read_without_touching_a_byte_outside_them()
    {
        // Every table sits in a region of exactly its length: a single refused read would
        // mean the reader looked past a table's end.
        foreach (AcpiMachine? machine in new[] { AcpiMachine.QemuPc(), AcpiMachine.QemuQ35(4, 8), AcpiMachine.HardwareReduced() })
        {
            FakePhysicalMemory memory = machine.Memory();
            AcpiPlatformReader.Read(ref memory, machine.Rsdp, out _);
            Assert.Equal(0, memory.Refused);
        }
    }

    [Fact]
    public void Q35_tables_give_ich9_values_and_the_reset_register()
    {
        AcpiPlatform p = Read(AcpiMachine.QemuQ35(), AcpiMachine.QemuQ35().Rsdp);
        Assert.Equal(0x02, p.Fadt.AcpiEnable);
        Assert.Equal(0x03, p.Fadt.AcpiDisable);
        Assert.Equal(9, p.Fadt.SciInterrupt);
        Assert.True(p.Fadt.HasResetRegister);
        Assert.True(p.Fadt.ResetRegister.IsIoPort);
        Assert.Equal(0xCF9UL, p.Fadt.ResetRegister.Address);
        Assert.Equal(8, p.Fadt.ResetRegister.BitWidth);
        Assert.Equal(0x0F, p.Fadt.ResetValue);
        Assert.Equal(0x604UL, p.Fadt.Pm1aControl.Address);
    }

    [Fact]
    public void A_hardware_reduced_machine_read_from_a_given_rsdp_uses_the_xsdt_and_sleep_control()
    {
        var machine = AcpiMachine.HardwareReduced();
        AcpiPlatform p = Read(machine, machine.Rsdp);
        Assert.Equal(2, p.Rsdp.Revision);
        Assert.True(p.Root.IsXsdt);
        Assert.True(p.Fadt.IsHardwareReduced);
        Assert.False(p.Fadt.HasFixedPowerButton);
        Assert.False(p.CanUsePowerButton);
        Assert.False(p.CanPowerOff);              // no PM1 control: sleep goes through SLEEP_CONTROL_REG
        Assert.Equal(GenericAddress.SystemMemory, p.Fadt.SleepControl.AddressSpaceId);
        Assert.Equal(0xFEA00002UL, p.Fadt.SleepControl.Address);
        Assert.Equal(5, p.S5.A);
        Assert.Equal((byte)((5 << 2) | (1 << 5)), Pm1.SleepControlRegister(p.S5.A));
        Assert.Equal(2, p.Madt.ProcessorCount);
    }

    [Fact]
    public void Pm1_values()
    {
        Assert.True(Pm1.IsPowerButtonPressed(0x0100));
        Assert.True(Pm1.IsPowerButtonPressed(0x8101));
        Assert.False(Pm1.IsPowerButtonPressed(0x80FF));
        Assert.Equal(0x0100, Pm1.PowerButtonAcknowledge);
        Assert.Equal(0x0121, Pm1.ArmPowerButton(0x0021));
        Assert.Equal(0x2000, Pm1.SleepControl(0));
        Assert.Equal(0x3400, Pm1.SleepControl(5));           // VirtualBox's S5 value
        Assert.Equal(0x3C00 | 1, Pm1.SleepControl(0x1C01, 7));
        Assert.Equal(0x2001, Pm1.SleepControl(0x1C01, 0));   // old SLP_TYP cleared, SCI_EN kept
        Assert.Equal(0x2000 | (1 << 10), Pm1.SleepControl(0xF9)); // only 3 bits of SLP_TYP
        Assert.True(Pm1.IsAcpiMode(1));
        var fadt = new FadtInfo { SmiCommand = 0xB2, AcpiEnable = 0xF1 };
        Assert.True(Pm1.NeedsAcpiEnable(0, fadt));
        Assert.False(Pm1.NeedsAcpiEnable(1, fadt));
        Assert.False(Pm1.NeedsAcpiEnable(0, new FadtInfo()));
        Assert.Equal(4, Pm1.EnableRegisterOffset(8));
    }
}
