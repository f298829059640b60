using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Microkernel.Tests;

/// <summary>
/// Builds ACPI tables byte by byte (header, body, checksum) and lays them out in a fake
/// physical memory the way SeaBIOS does under QEMU: RSDP in the BIOS F-segment, tables
/// near the top of low RAM, each table in a chunk of exactly its length (so any read past
/// a table's end is refused and shows up).
/// </summary>
public static class AcpiImages
{
    public const ulong RsdpAddress = 0xF5A10;
    public const ulong TablesBase = 0x07FE0000;

    /// <summary>A table: 36-byte header (OEM "BOCHS ", table id "BXPC" + signature, as
    /// QEMU's build_header writes) + body, checksum set.</summary>
    public static byte[] Table(string signature, byte revision, byte[] body)
    {
        byte[] t = new byte[36 + body.Length];
        Encoding.ASCII.GetBytes(signature).CopyTo(t, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(4), (uint)t.Length);
        t[8] = revision;
        Encoding.ASCII.GetBytes("BOCHS ").CopyTo(t, 10);
        Encoding.ASCII.GetBytes("BXPC" + signature).CopyTo(t, 16);
        BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(24), 1);
        Encoding.ASCII.GetBytes("BXPC").CopyTo(t, 28);
        BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(32), 1);
        body.CopyTo(t, 36);
        FixChecksum(t, 9, t.Length);
        return t;
    }

    public static void FixChecksum(byte[] bytes, int checksumOffset, int length)
    {
        bytes[checksumOffset] = 0;
        int sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum += bytes[i];
        }

        bytes[checksumOffset] = (byte)(256 - (sum & 0xFF));
    }

    /// <summary>RSDP: revision 0 is the 20-byte ACPI 1.0 form QEMU gives pc/q35;
    /// revision 2 adds length, XSDT and the extended checksum.</summary>
    public static byte[] Rsdp(byte revision, uint rsdt, ulong xsdt)
    {
        byte[] r = new byte[revision >= 2 ? 36 : 20];
        Encoding.ASCII.GetBytes("RSD PTR ").CopyTo(r, 0);
        Encoding.ASCII.GetBytes("BOCHS ").CopyTo(r, 9);
        r[15] = revision;
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(16), rsdt);
        if (revision >= 2)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(20), 36);
            BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(24), xsdt);
            FixChecksum(r, 8, 20);
            FixChecksum(r, 32, 36);
        }
        else
        {
            FixChecksum(r, 8, 20);
        }

        return r;
    }

    public static byte[] Gas(byte space, byte width, ulong address, byte accessSize = 0)
    {
        byte[] g = new byte[12];
        g[0] = space;
        g[1] = width;
        g[3] = accessSize;
        BinaryPrimitives.WriteUInt64LittleEndian(g.AsSpan(4), address);
        return g;
    }

    /// <summary>Everything a FADT body (bytes 36..) needs; offsets are ACPI 6.5 table 5.9's.</summary>
    public sealed class FadtSpec
    {
        public byte Revision = 3;
        public int Length = 244;                // QEMU's rev 3 FADT ends after X_GPE1_BLK
        public uint Facs, Dsdt;
        public ulong XDsdt;
        public ushort SciInt = 9;
        public uint SmiCmd = 0xB2;
        public byte AcpiEnable = 0xF1, AcpiDisable = 0xF0;
        public uint Pm1aEvt = 0x600, Pm1bEvt, Pm1aCnt = 0x604, Pm1bCnt, PmTmr = 0x608;
        public byte Pm1EvtLen = 4, Pm1CntLen = 2, PmTmrLen = 4;
        public uint Flags = (1 << 0) | (1 << 2) | (1 << 5) | (1 << 7) | (1 << 15);
        public byte[]? ResetReg;
        public byte ResetValue;
        public bool WriteXBlocks = true;
        public byte[]? XPm1aEvt, XPm1aCnt;
        public byte[]? SleepControl, SleepStatus;
    }

    public static byte[] Fadt(FadtSpec f)
    {
        byte[] t = new byte[f.Length];
        void U8(int o, byte v) { if (o < t.Length) { t[o] = v; } }
        void U16(int o, ushort v) { if (o + 2 <= t.Length) { BinaryPrimitives.WriteUInt16LittleEndian(t.AsSpan(o), v); } }
        void U32(int o, uint v) { if (o + 4 <= t.Length) { BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(o), v); } }
        void U64(int o, ulong v) { if (o + 8 <= t.Length) { BinaryPrimitives.WriteUInt64LittleEndian(t.AsSpan(o), v); } }
        void Bytes(int o, byte[]? v) { if (v != null && o + v.Length <= t.Length) { v.CopyTo(t, o); } }
        U32(36, f.Facs);
        U32(40, f.Dsdt);
        U16(46, f.SciInt);
        U32(48, f.SmiCmd);
        U8(52, f.AcpiEnable);
        U8(53, f.AcpiDisable);
        U32(56, f.Pm1aEvt);
        U32(60, f.Pm1bEvt);
        U32(64, f.Pm1aCnt);
        U32(68, f.Pm1bCnt);
        U32(76, f.PmTmr);
        U8(88, f.Pm1EvtLen);
        U8(89, f.Pm1CntLen);
        U8(91, f.PmTmrLen);
        U16(96, 0xFFF);
        U16(98, 0xFFF);
        U8(108, 0x32);                          // RTC century register, as QEMU sets
        U32(112, f.Flags);
        Bytes(116, f.ResetReg);
        U8(128, f.ResetValue);
        U64(132, f.Facs);
        U64(140, f.XDsdt);
        if (f.WriteXBlocks)
        {
            // QEMU's build_fadt (rev 3+) repeats the port blocks as X_ GAS with widths
            // 32 (event), 16 (control), 32 (timer).
            Bytes(148, f.XPm1aEvt ?? Gas(1, (byte)(f.Pm1EvtLen * 8), f.Pm1aEvt));
            Bytes(172, f.XPm1aCnt ?? Gas(1, (byte)(f.Pm1CntLen * 8), f.Pm1aCnt));
            Bytes(208, Gas(1, 32, f.PmTmr));
        }

        Bytes(244, f.SleepControl);
        Bytes(256, f.SleepStatus);
        return Table("FACP", f.Revision, t.AsSpan(36).ToArray());
    }

    public static byte[] Madt(uint localApic, uint flags, params byte[][] entries)
    {
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes(localApic));
        body.AddRange(BitConverter.GetBytes(flags));
        foreach (byte[] e in entries)
        {
            body.AddRange(e);
        }

        return Table("APIC", 3, body.ToArray());
    }

    public static byte[] LocalApic(byte uid, byte apicId, uint flags) =>
        new byte[] { 0, 8, uid, apicId, (byte)flags, (byte)(flags >> 8), (byte)(flags >> 16), (byte)(flags >> 24) };

    public static byte[] X2Apic(uint apicId, uint flags, uint uid)
    {
        byte[] e = new byte[16];
        e[0] = 9; e[1] = 16;
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(4), apicId);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(12), uid);
        return e;
    }

    public static byte[] IoApic(byte id, uint address, uint gsiBase)
    {
        byte[] e = new byte[12];
        e[0] = 1; e[1] = 12; e[2] = id;
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(4), address);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(8), gsiBase);
        return e;
    }

    public static byte[] Override(byte source, uint gsi, ushort flags)
    {
        byte[] e = new byte[10];
        e[0] = 2; e[1] = 10; e[2] = 0; e[3] = source;
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(4), gsi);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(8), flags);
        return e;
    }

    public static byte[] LocalNmi() => new byte[] { 4, 6, 0xFF, 0, 0, 1 };

    /// <summary>Name(_Sx_, Package(n){...}) inside Scope(\) as QEMU's aml_scope("\\")
    /// emits it: ScopeOp, PkgLength, '\', then the NameOp.</summary>
    public static byte[] ScopeRoot(params byte[][] content)
    {
        var inner = new List<byte> { 0x5C };
        foreach (byte[] c in content)
        {
            inner.AddRange(c);
        }

        var result = new List<byte> { 0x10 };
        result.AddRange(PkgLength(inner.Count));
        result.AddRange(inner);
        return result.ToArray();
    }

    public static byte[] NamePackage(string name, params byte[][] elements)
    {
        var body = new List<byte> { (byte)elements.Length };
        foreach (byte[] e in elements)
        {
            body.AddRange(e);
        }

        var result = new List<byte> { 0x08 };
        result.AddRange(Encoding.ASCII.GetBytes(name));
        result.Add(0x12);
        result.AddRange(PkgLength(body.Count));
        result.AddRange(body);
        return result.ToArray();
    }

    /// <summary>PkgLength encoding for a payload of <paramref name="payload"/> bytes
    /// (the encoded length counts its own bytes too).</summary>
    public static byte[] PkgLength(int payload)
    {
        if (payload + 1 <= 0x3F)
        {
            return new[] { (byte)(payload + 1) };
        }

        int total = payload + 2;
        if (total < 1 << 12)
        {
            return new[] { (byte)(0x40 | (total & 0xF)), (byte)(total >> 4) };
        }

        total = payload + 3;
        return new[] { (byte)(0x80 | (total & 0xF)), (byte)(total >> 4), (byte)(total >> 12) };
    }

    public static readonly byte[] Zero = { 0x00 };
    public static readonly byte[] One = { 0x01 };
    public static byte[] ByteConst(byte v) => new byte[] { 0x0A, v };
    public static byte[] WordConst(ushort v) => new byte[] { 0x0B, (byte)v, (byte)(v >> 8) };

    /// <summary>Some unrelated AML in front of the sleep packages: Scope(_SB) with a
    /// Device(PCI0) and a _HID, then a method that stores \_S5_ to a local (a reference
    /// to the name, not its declaration, which the reader must pass over).</summary>
    public static byte[] FillerAml()
    {
        var b = new List<byte>();
        // Scope(_SB_) { Device(PCI0) { Name(_HID, EisaId("PNP0A03")) } }
        byte[] device = { 0x5B, 0x82, 0x0F, (byte)'P', (byte)'C', (byte)'I', (byte)'0', 0x08, (byte)'_', (byte)'H', (byte)'I', (byte)'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03 };
        b.Add(0x10);
        b.AddRange(PkgLength(4 + device.Length));
        b.AddRange(Encoding.ASCII.GetBytes("_SB_"));
        b.AddRange(device);
        // Method(TST0) { Store(\_S5_, Local0) }
        byte[] body = { (byte)'T', (byte)'S', (byte)'T', (byte)'0', 0x00, 0x70, 0x5C, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x60 };
        b.Add(0x14);
        b.AddRange(PkgLength(body.Length));
        b.AddRange(body);
        return b.ToArray();
    }

    /// <summary>QEMU's x86 DSDT tail for S3/S4/S5 (hw/i386/acpi-build.c build_dsdt:
    /// _S3 {1,1,0,0}, _S4 {s4_val=2,2,0,0}, _S5 {0,0,0,0}), after some other AML.</summary>
    public static byte[] QemuDsdt() => Table("DSDT", 1, Concat(
        FillerAml(),
        ScopeRoot(
            NamePackage("_S3_", One, One, Zero, Zero),
            NamePackage("_S4_", ByteConst(2), ByteConst(2), Zero, Zero),
            NamePackage("_S5_", Zero, Zero, Zero, Zero))));

    public static byte[] Concat(params byte[][] parts)
    {
        var all = new List<byte>();
        foreach (byte[] p in parts)
        {
            all.AddRange(p);
        }

        return all.ToArray();
    }

    /// <summary>QEMU's x86 MADT (hw/i386/acpi-common.c acpi_build_madt): LAPIC at
    /// 0xFEE00000, PCAT_COMPAT; one processor entry per possible CPU (present ones
    /// enabled); I/O APIC id 0 at 0xFEC00000, GSI base 0; overrides IRQ0→GSI2 (flags 0,
    /// conforming) and IRQ 5, 9, 10, 11 → same GSI with flags 0xD (active high, level);
    /// a local APIC NMI on LINT1 for all processors.</summary>
    public static byte[] QemuMadt(int presentCpus, int possibleCpus)
    {
        var entries = new List<byte[]>();
        for (int i = 0; i < possibleCpus; i++)
        {
            entries.Add(LocalApic((byte)i, (byte)i, i < presentCpus ? 1u : 0u));
        }

        entries.Add(IoApic(0, 0xFEC00000, 0));
        entries.Add(Override(0, 2, 0));
        foreach (byte irq in new byte[] { 5, 9, 10, 11 })
        {
            entries.Add(Override(irq, irq, 0xD));
        }

        entries.Add(LocalNmi());
        return Madt(0xFEE00000, 1, entries.ToArray());
    }

    public static byte[] Rsdt(params ulong[] tables)
    {
        byte[] body = new byte[tables.Length * 4];
        for (int i = 0; i < tables.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(i * 4), (uint)tables[i]);
        }

        return Table("RSDT", 1, body);
    }

    public static byte[] Xsdt(params ulong[] tables)
    {
        byte[] body = new byte[tables.Length * 8];
        for (int i = 0; i < tables.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(i * 8), tables[i]);
        }

        return Table("XSDT", 1, body);
    }
}
