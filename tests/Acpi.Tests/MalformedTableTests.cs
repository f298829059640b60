using System;
using System.Buffers.Binary;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Acpi;
using Xunit;
using static Microkernel.Tests.AcpiImages;

namespace Microkernel.Tests;

/// <summary>Every malformed case maps to its status; random damage never throws or
/// reads outside memory.</summary>
public class MalformedTableTests
{
    private static AcpiStatus ReadAll(AcpiMachine machine, out AcpiPlatform platform, ulong rsdp = 0)
    {
        FakePhysicalMemory memory = machine.Memory();
        AcpiStatus status = AcpiPlatformReader.Read(ref memory, rsdp, out platform);
        memory.AssertNoOutOfBoundsSuccess();
        return status;
    }

    private static ulong TableAddress(AcpiMachine m, string signature) =>
        m.Regions.First(r => r.Bytes.Length >= 4 && r.Address >= TablesBase && System.Text.Encoding.ASCII.GetString(r.Bytes, 0, 4) == signature).Address;

    [Fact]
    public void Rsdp_problems_at_a_given_address()
    {
        var m = AcpiMachine.HardwareReduced();
        byte[] rsdp = m.RegionAt(m.Rsdp);
        FakePhysicalMemory memory = m.Memory();
        Assert.Equal(AcpiStatus.UnreadableRsdp, AcpiTableReader.ReadRsdp(ref memory, 0x1234, out _));
        Assert.Equal(AcpiStatus.UnreadableRsdp, AcpiTableReader.ReadRsdp(ref memory, 0, out _));

        byte[] bad = (byte[])rsdp.Clone(); bad[0] = (byte)'X';
        Check(m, bad, AcpiStatus.BadRsdpSignature);
        bad = (byte[])rsdp.Clone(); bad[8]++;
        Check(m, bad, AcpiStatus.BadRsdpChecksum);
        bad = (byte[])rsdp.Clone(); bad[32]++;
        Check(m, bad, AcpiStatus.BadRsdpExtendedChecksum);
        bad = (byte[])rsdp.Clone(); bad[20] = 30; FixChecksum(bad, 8, 20);
        Check(m, bad, AcpiStatus.BadRsdpLength);
        bad = (byte[])rsdp.Clone(); BinaryPrimitives.WriteUInt64LittleEndian(bad.AsSpan(24), 0); FixChecksum(bad, 32, 36);
        Check(m, bad, AcpiStatus.NoRootTable);
        // Length 40 with the region only 36 bytes long: the extended checksum cannot be read.
        bad = (byte[])rsdp.Clone(); bad[20] = 40; FixChecksum(bad, 8, 20);
        Check(m, bad, AcpiStatus.UnreadableRsdp);

        static void Check(AcpiMachine m, byte[] rsdp, AcpiStatus expected)
        {
            AcpiMachine copy = m.Clone();
            copy.Replace(m.Rsdp, rsdp);
            Assert.Equal(expected, ReadAll(copy, out AcpiPlatform p, copy.Rsdp));
            Assert.Equal(expected, p.RootStatus);
        }
    }

    [Fact]
    public void No_rsdp_anywhere_and_an_rsdp_in_the_ebda_first()
    {
        var m = AcpiMachine.QemuPc();
        byte[] bios = m.RegionAt(0xE0000);
        bios.AsSpan((int)(RsdpAddress - 0xE0000), 20).Clear();
        Assert.Equal(AcpiStatus.NoRsdp, ReadAll(m, out _));

        // An RSDP in the EBDA's first KiB wins over the BIOS area.
        var pc = AcpiMachine.QemuPc();
        uint rsdt = BinaryPrimitives.ReadUInt32LittleEndian(pc.RegionAt(0xE0000).AsSpan((int)(RsdpAddress - 0xE0000) + 16));
        Rsdp(0, rsdt, 0).CopyTo(pc.RegionAt(0x9FC00), 0x30);
        Assert.Equal(AcpiStatus.Ok, ReadAll(pc, out AcpiPlatform p));
        Assert.Equal(0x9FC30UL, p.Rsdp.Address);
    }

    [Fact]
    public void A_broken_xsdt_falls_back_to_the_rsdt()
    {
        var m = AcpiMachine.HardwareReduced();
        ulong xsdtAt = TableAddress(m, "XSDT");
        byte[] xsdt = m.RegionAt(xsdtAt);
        // Give the RSDP an RSDT too, listing the same tables.
        ulong rsdtAt = 0x100000;
        ulong[] entries = Enumerable.Range(0, (xsdt.Length - 36) / 8).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(xsdt.AsSpan(36 + i * 8))).ToArray();
        m.Regions.Add((rsdtAt, Rsdt(entries)));
        m.Replace(m.Rsdp, Rsdp(2, (uint)rsdtAt, xsdtAt));
        xsdt[40] ^= 1; // checksum now wrong
        Assert.Equal(AcpiStatus.Ok, ReadAll(m, out AcpiPlatform p, m.Rsdp));
        Assert.False(p.Root.IsXsdt);
        Assert.Equal(rsdtAt, p.Root.Address);

        // Without the RSDT the XSDT's problem is the answer.
        m.Replace(m.Rsdp, Rsdp(2, 0, xsdtAt));
        Assert.Equal(AcpiStatus.BadChecksum, ReadAll(m, out p, m.Rsdp));
    }

    [Fact]
    public void A_bad_fadt_does_not_hide_the_madt()
    {
        var m = AcpiMachine.QemuPc();
        m.RegionAt(TableAddress(m, "FACP"))[100] ^= 0xFF;
        Assert.Equal(AcpiStatus.BadChecksum, ReadAll(m, out AcpiPlatform p));
        Assert.Equal(AcpiStatus.BadChecksum, p.FadtStatus);
        Assert.Equal(AcpiStatus.NoDsdt, p.S5Status);
        Assert.Equal(AcpiStatus.Ok, p.MadtStatus);
        Assert.Equal(1, p.Madt.ProcessorCount);
        Assert.False(p.CanPowerOff);
    }

    private static AcpiPlatform WithFadt(FadtSpec spec, AcpiStatus expected = AcpiStatus.Ok)
    {
        var m = AcpiMachine.QemuPc();
        ulong at = TableAddress(m, "FACP");
        byte[] old = m.RegionAt(at);
        spec.Dsdt = BinaryPrimitives.ReadUInt32LittleEndian(old.AsSpan(40));
        if (spec.XDsdt == 1)
        {
            spec.XDsdt = spec.Dsdt; // 1 = "same as DSDT"
        }

        m.Replace(at, Fadt(spec));
        Assert.Equal(expected, ReadAll(m, out AcpiPlatform p));
        return p;
    }

    [Fact]
    public void Fadt_x_fields_are_preferred_when_present_and_nonzero()
    {
        AcpiPlatform p = WithFadt(new FadtSpec { XPm1aEvt = Gas(1, 32, 0x1000), XPm1aCnt = Gas(1, 16, 0x1004), XDsdt = 1 });
        Assert.Equal(0x1000UL, p.Fadt.Pm1aEvent.Address);
        Assert.Equal(0x1004UL, p.Fadt.Pm1aControl.Address);

        // Zero X_ fields: the legacy ports.
        p = WithFadt(new FadtSpec { XPm1aEvt = Gas(1, 32, 0), XPm1aCnt = Gas(1, 16, 0), XDsdt = 0 });
        Assert.Equal(0x600UL, p.Fadt.Pm1aEvent.Address);
        Assert.Equal(0x604UL, p.Fadt.Pm1aControl.Address);
        Assert.Equal(AcpiStatus.Ok, p.S5Status);       // found through the 32-bit DSDT field

        // ACPI 1.0 FADT (116 bytes): no X_ fields, no reset register even if the flag is set.
        p = WithFadt(new FadtSpec { Revision = 1, Length = 116, Flags = 1 << 10, ResetReg = Gas(1, 8, 0xCF9), ResetValue = 6 });
        Assert.Equal(0x600UL, p.Fadt.Pm1aEvent.Address);
        Assert.False(p.Fadt.HasResetRegister);

        // Reset register given but RESET_REG_SUP clear: not used.
        p = WithFadt(new FadtSpec { ResetReg = Gas(1, 8, 0xCF9), ResetValue = 6 });
        Assert.False(p.Fadt.HasResetRegister);

        // PWR_BUTTON set: a control-method power button, not the fixed one.
        p = WithFadt(new FadtSpec { Flags = 1 << 4 });
        Assert.False(p.Fadt.HasFixedPowerButton);
        Assert.False(p.CanUsePowerButton);

        // Too short for the fields the kernel needs.
        p = WithFadt(new FadtSpec { Length = 100 }, AcpiStatus.BadLength);
        Assert.Equal(AcpiStatus.BadLength, p.FadtStatus);

        // Neither DSDT field.
        var m = AcpiMachine.QemuPc();
        ulong at = TableAddress(m, "FACP");
        m.Replace(at, Fadt(new FadtSpec()));
        Assert.Equal(AcpiStatus.NoDsdt, ReadAll(m, out p));
    }

    private static (AcpiStatus, SleepType) S5Of(params byte[][] aml)
    {
        var memory = new FakePhysicalMemory();
        byte[] dsdt = Table("DSDT", 2, Concat(aml));
        memory.Add(0x200000, dsdt);
        AcpiStatus status = SleepPackage.ReadS5(ref memory, 0x200000, out SleepType s5);
        memory.AssertNoOutOfBoundsSuccess();
        return (status, s5);
    }

    [Fact]
    public void S5_package_encodings()
    {
        Assert.Equal((AcpiStatus.Ok, 5, 3), Short(S5Of(NamePackage("_S5_", ByteConst(5), ByteConst(3)))));
        Assert.Equal((AcpiStatus.Ok, 7, 1), Short(S5Of(NamePackage("_S5_", WordConst(7), One, Zero, Zero))));
        Assert.Equal((AcpiStatus.Ok, 0x0C, 0x07), Short(S5Of(NamePackage("_S5_", WordConst(0x070C)))));      // one element: a | b << 8
        Assert.Equal((AcpiStatus.Ok, 0xFF, 0xFF), Short(S5Of(NamePackage("_S5_", new byte[] { 0xFF }, new byte[] { 0x0C, 0xFF, 0xFF, 0xFF, 0xFF }))));
        Assert.Equal((AcpiStatus.Ok, 6, 6), Short(S5Of(NamePackage("_S5_", new byte[] { 0x0E, 6, 0, 0, 0, 0, 0, 0, 0 }, ByteConst(6)))));
        // Root-prefixed name: Name(\_S5_, ...).
        byte[] rooted = NamePackage("_S5_", ByteConst(4), ByteConst(4));
        Assert.Equal((AcpiStatus.Ok, 4, 4), Short(S5Of(Concat(new byte[] { 0x08, 0x5C }, rooted.AsSpan(1).ToArray()))));
        // A two-byte PkgLength (a package with padding elements past 63 bytes).
        byte[][] many = Enumerable.Repeat(WordConst(0x1111), 30).Prepend(ByteConst(2)).ToArray();
        Assert.Equal((AcpiStatus.Ok, 2, 0x11), Short(S5Of(NamePackage("_S5_", many))));
        // The name straddling the scanner's 512-byte chunk boundary (offset 36 + 509 - 2).
        byte[] filler = new byte[509 - 2 - 1];
        Assert.Equal((AcpiStatus.Ok, 3, 3), Short(S5Of(filler, NamePackage("_S5_", ByteConst(3), ByteConst(3)))));
        // A reference to _S5_ first, then the declaration.
        Assert.Equal((AcpiStatus.Ok, 1, 1), Short(S5Of(FillerAml(), NamePackage("_S5_", One, One))));
        // "_S5_" as a method name (MethodOp, not NameOp), then the real one.
        Assert.Equal((AcpiStatus.Ok, 2, 2), Short(S5Of(new byte[] { 0x14, 0x06, 0x5F, 0x53, 0x35, 0x5F, 0x00 }, NamePackage("_S5_", ByteConst(2), ByteConst(2)))));
        // Name(_S5_, 5): a NameOp but no package: not it; none follows.
        Assert.Equal(AcpiStatus.NoS5, S5Of(new byte[] { 0x08, 0x5F, 0x53, 0x35, 0x5F, 0x0A, 0x05 }).Item1);
        Assert.Equal(AcpiStatus.NoS5, S5Of(FillerAml()).Item1);
        Assert.Equal(AcpiStatus.NoS5, S5Of().Item1);

        static (AcpiStatus, int, int) Short((AcpiStatus S, SleepType T) r) => (r.S, r.T.A, r.T.B);
    }

    [Fact]
    public void Malformed_s5_packages()
    {
        byte[] good = NamePackage("_S5_", ByteConst(5), ByteConst(5));
        // Cut off by the table's end (the last element's data byte missing).
        Assert.Equal(AcpiStatus.MalformedS5, S5Of(good.AsSpan(0, good.Length - 1).ToArray()).Item1);
        // PkgLength larger than the table.
        byte[] big = (byte[])good.Clone(); big[6] = 0x30;
        Assert.Equal(AcpiStatus.MalformedS5, S5Of(big).Item1);
        // PkgLength smaller than its own header.
        byte[] tiny = (byte[])good.Clone(); tiny[6] = 0x01;
        Assert.Equal(AcpiStatus.MalformedS5, S5Of(tiny).Item1);
        // Elements that are not integer constants (a name reference).
        Assert.Equal(AcpiStatus.MalformedS5, S5Of(NamePackage("_S5_", new byte[] { (byte)'S', (byte)'L', (byte)'P', (byte)'A' }, Zero)).Item1);
        // No elements.
        Assert.Equal(AcpiStatus.MalformedS5, S5Of(NamePackage("_S5_")).Item1);
        // A WordConst whose data runs past the package end.
        byte[] cut = NamePackage("_S5_", One, WordConst(3)); cut[6] -= 1;
        Assert.Equal(AcpiStatus.MalformedS5, S5Of(cut, new byte[] { 0, 0 }).Item1);
    }

    private static (AcpiStatus, MadtInfo) MadtOf(params byte[][] entries)
    {
        var memory = new FakePhysicalMemory();
        memory.Add(0x300000, Madt(0xFEE00000, 1, entries));
        AcpiStatus status = MadtParser.Read(ref memory, 0x300000, out MadtInfo madt);
        memory.AssertNoOutOfBoundsSuccess();
        return (status, madt);
    }

    [Fact]
    public void Madt_entries_and_their_problems()
    {
        (AcpiStatus status, MadtInfo madt) = MadtOf(LocalApic(0, 0, 1), X2Apic(300, 1, 1), X2Apic(301, 0, 2), new byte[] { 5, 12, 0, 0, 0, 0, 0xFE, 0xFF, 0, 0, 0, 0 }, new byte[] { 0x7F, 3, 0 });
        Assert.Equal(AcpiStatus.Ok, status);
        Assert.Equal(2, madt.ProcessorCount);
        Assert.Equal(300u, madt.ProcessorApicIds[1]);
        Assert.Equal(1, madt.DisabledProcessors);
        Assert.Equal(0xFFFE0000UL, madt.LocalApicAddress);   // the 64-bit override wins

        Assert.Equal(AcpiStatus.MalformedMadt, MadtOf(LocalApic(0, 0, 1), new byte[] { 0, 0 }).Item1);     // length 0
        Assert.Equal(AcpiStatus.MalformedMadt, MadtOf(new byte[] { 1, 6, 0, 0, 0, 0 }).Item1);           // I/O APIC too short
        (AcpiStatus s, MadtInfo partial) = MadtOf(LocalApic(0, 0, 1), new byte[] { 2, 40, 0, 9 });                        // runs past the end
        Assert.Equal(AcpiStatus.MalformedMadt, s);
        Assert.Equal(1, partial.ProcessorCount);
        Assert.Equal(AcpiStatus.MalformedMadt, MadtOf(new byte[] { 0 }).Item1);                          // one stray byte

        byte[][] overrides = Enumerable.Range(0, MadtInfo.MaxOverrides + 3).Select(i => Override((byte)i, (uint)i, 0)).ToArray();
        (s, madt) = MadtOf(overrides);
        Assert.Equal(AcpiStatus.TooManyMadtEntries, s);
        Assert.Equal(MadtInfo.MaxOverrides, madt.OverrideCount);
        Assert.Equal(3, madt.Dropped);

        // SCI without an override: level, active low (ACPI's definition of the SCI).
        InterruptRoute route = madt.RouteIsaIrq(40, isSci: true);
        Assert.True(route.LevelTriggered && route.ActiveLow && !route.Overridden);
        // An override saying active low, edge.
        (_, madt) = MadtOf(Override(9, 20, 0b0111), IoApic(0, 0xFEC00000, 0), IoApic(1, 0xFEC10000, 24));
        route = madt.RouteIsaIrq(9, isSci: true);
        Assert.Equal(20u, route.Gsi);
        Assert.True(route.ActiveLow);
        Assert.False(route.LevelTriggered);
        Assert.Equal(0, madt.IoApicFor(20));
        Assert.Equal(1, madt.IoApicFor(30));
    }

    // ---- random damage -------------------------------------------------------------

    private enum Damage { Flip, FlipAndFixChecksum, Truncate, ShrinkLengthField, GrowLengthField }

    private static readonly Gen<(int Machine, int Region, Damage Kind, int[] Offsets, byte[] Values, int Cut)> s_damageGen =
        from machine in Gen.Choose(0, 2)
        from region in Gen.Choose(0, 16)
        from kind in Gen.Elements(Enum.GetValues<Damage>())
        from count in Gen.Choose(1, 8)
        from offsets in Gen.ArrayOf(Gen.Choose(0, 100_000), count)
        from values in Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v), count)
        from cut in Gen.Choose(0, 400)
        select (machine, region, kind, offsets, values, cut);

    [Fact]
    public void Random_damage_always_gives_a_status_and_never_an_out_of_bounds_read()
    {
        PropertyCheck.ForAll(s_damageGen, d =>
        {
            AcpiMachine m = d.Machine switch { 0 => AcpiMachine.QemuPc(2, 4), 1 => AcpiMachine.QemuQ35(), _ => AcpiMachine.HardwareReduced() };
            // Damage one of the tables or the RSDP (not the random BIOS filler).
            var targets = m.Regions.Where(r => r.Address >= TablesBase || r.Address == m.Rsdp).ToList();
            (ulong address, byte[]? bytes) = targets[d.Region % targets.Count];
            bool isTable = bytes.Length >= 36 && !bytes.AsSpan(0, 8).SequenceEqual("RSD PTR "u8) && !bytes.AsSpan(0, 4).SequenceEqual("FACS"u8);
            byte[] damaged = (byte[])bytes.Clone();
            switch (d.Kind)
            {
                case Damage.Flip:
                case Damage.FlipAndFixChecksum:
                    for (int i = 0; i < d.Offsets.Length; i++)
                    {
                        damaged[d.Offsets[i] % damaged.Length] = d.Values[i];
                    }

                    if (d.Kind == Damage.FlipAndFixChecksum && isTable)
                    {
                        FixChecksum(damaged, 9, Math.Min(damaged.Length, (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(damaged.AsSpan(4)), (uint)damaged.Length)));
                    }

                    break;
                case Damage.Truncate:
                    damaged = damaged.AsSpan(0, Math.Max(1, damaged.Length - 1 - (d.Cut % damaged.Length))).ToArray();
                    break;
                case Damage.ShrinkLengthField when isTable:
                    BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(4), (uint)Math.Max(0, damaged.Length - 1 - d.Cut));
                    FixChecksum(damaged, 9, Math.Min(damaged.Length, Math.Max(10, damaged.Length - 1 - d.Cut)));
                    break;
                case Damage.GrowLengthField when isTable:
                    BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(4), (uint)(damaged.Length + 1 + d.Cut));
                    break;
            }

            m.Replace(address, damaged);
            FakePhysicalMemory memory = m.Memory();
            AcpiStatus status = AcpiPlatformReader.Read(ref memory, d.Machine == 2 ? m.Rsdp : 0, out AcpiPlatform platform);
            Assert.True(Enum.IsDefined(status), status.ToString());
            Assert.Equal(platform.FirstProblem, status);
            memory.AssertNoOutOfBoundsSuccess();
            if (status == AcpiStatus.Ok)
            {
                // Whatever was accepted is internally consistent.
                Assert.InRange(platform.Madt.ProcessorCount, 0, MadtInfo.MaxProcessors);
                Assert.InRange(platform.Madt.OverrideCount, 0, MadtInfo.MaxOverrides);
                Assert.True(platform.Fadt.Length >= FadtParser.MinimumLength);
            }
        });
    }

    [Fact]
    public void Random_bytes_as_a_dsdt_or_madt_never_throw()
    {
        Gen<byte[]> gen = from length in Gen.Choose(0, 700)
                          from body in Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(0, 255).Select(v => (byte)v)), (1, Gen.Elements<byte>(0x08, 0x12, 0x5F, 0x53, 0x35, 0x0A, 0x0B, 0x00, 0x01, 0x02, 0x40, 0x80, 0xC0))), length)
                          select body;
        PropertyCheck.ForAll(gen, body =>
        {
            var memory = new FakePhysicalMemory();
            memory.Add(0x200000, Table("DSDT", 2, body));
            memory.Add(0x300000, Table("APIC", 3, body));
            AcpiStatus s5 = SleepPackage.ReadS5(ref memory, 0x200000, out _);
            Assert.Contains(s5, new[] { AcpiStatus.Ok, AcpiStatus.NoS5, AcpiStatus.MalformedS5 });
            AcpiStatus madt = MadtParser.Read(ref memory, 0x300000, out _);
            Assert.Contains(madt, new[] { AcpiStatus.Ok, AcpiStatus.MalformedMadt, AcpiStatus.TooManyMadtEntries, AcpiStatus.BadLength });
            memory.AssertNoOutOfBoundsSuccess();
            Assert.Equal(0, memory.Refused);
        });
    }
}
