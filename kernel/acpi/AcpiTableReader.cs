using System;
using System.Buffers.Binary;
using Microkernel.Boot;

namespace Microkernel.Acpi;

/// <summary>What the RSDP says (ACPI 6.5 section 5.2.5).</summary>
public struct RsdpInfo
{
    /// <summary>Physical address of the RSDP itself.</summary>
    public ulong Address;

    /// <summary>0 for ACPI 1.0 (20-byte RSDP), 2 or more for the 36-byte form.</summary>
    public byte Revision;

    /// <summary>RSDT address (32-bit), 0 if none.</summary>
    public uint RsdtAddress;

    /// <summary>XSDT address (revision 2 and later), 0 if none.</summary>
    public ulong XsdtAddress;
}

/// <summary>The root table in use and how to read its entries.</summary>
public struct RootTable
{
    /// <summary>Physical address of the XSDT or RSDT.</summary>
    public ulong Address;

    /// <summary>True for the XSDT (8-byte entries), false for the RSDT (4-byte entries).</summary>
    public bool IsXsdt;

    /// <summary>Entries examined (at most <see cref="AcpiTableReader.MaxRootEntries"/>).</summary>
    public int EntryCount;
}

/// <summary>
/// Finds and validates ACPI tables through an <see cref="IPhysicalMemoryReader"/>:
/// the RSDP, the RSDT/XSDT and any table by signature. Every byte is read through the
/// reader, every length is checked before it is used, every loop is bounded.
/// </summary>
public static class AcpiTableReader
{
    /// <summary>Length of the common table header (signature .. creator revision).</summary>
    public const int HeaderLength = 36;

    /// <summary>Longest table accepted (a sanity bound: real DSDTs are well under this).</summary>
    public const uint MaxTableLength = 4u << 20;

    /// <summary>Root-table entries examined at most.</summary>
    public const int MaxRootEntries = 256;

    /// <summary>Length of an ACPI 1.0 RSDP, covered by the first checksum.</summary>
    public const int RsdpV1Length = 20;

    /// <summary>Length of the ACPI 2.0+ RSDP, covered by the extended checksum.</summary>
    public const int RsdpV2Length = 36;

    /// <summary>Table signatures as little-endian 32-bit values.</summary>
    public const uint FacpSignature = (uint)'F' | ((uint)'A' << 8) | ((uint)'C' << 16) | ((uint)'P' << 24);

    /// <summary>"APIC": the MADT.</summary>
    public const uint ApicSignature = (uint)'A' | ((uint)'P' << 8) | ((uint)'I' << 16) | ((uint)'C' << 24);

    /// <summary>"DSDT".</summary>
    public const uint DsdtSignature = (uint)'D' | ((uint)'S' << 8) | ((uint)'D' << 16) | ((uint)'T' << 24);

    /// <summary>"RSDT".</summary>
    public const uint RsdtSignature = (uint)'R' | ((uint)'S' << 8) | ((uint)'D' << 16) | ((uint)'T' << 24);

    /// <summary>"XSDT".</summary>
    public const uint XsdtSignature = (uint)'X' | ((uint)'S' << 8) | ((uint)'D' << 16) | ((uint)'T' << 24);

    /// <summary>BIOS data area word holding the EBDA's real-mode segment.</summary>
    public const ulong EbdaPointerAddress = 0x40E;

    /// <summary>Start of the BIOS read-only area searched for the RSDP.</summary>
    public const ulong BiosAreaStart = 0xE0000;

    /// <summary>End (exclusive) of the BIOS read-only area.</summary>
    public const ulong BiosAreaEnd = 0x100000;

    private const int ScanChunk = 512;
    private const int ChecksumChunk = 256;

    /// <summary>
    /// Searches for a valid RSDP where ACPI says BIOS systems put it: the first KiB of
    /// the EBDA (segment at 0x40E), then 0xE0000–0xFFFFF, on 16-byte boundaries. A
    /// candidate whose checksums fail is passed over (the signature can occur by
    /// chance). Unreadable memory (the kernel's reader refuses page 0, so the EBDA
    /// pointer) is skipped, not an error.
    /// </summary>
    public static AcpiStatus FindRsdp<TReader>(ref TReader memory, out RsdpInfo rsdp)
        where TReader : struct, IPhysicalMemoryReader
    {
        Span<byte> pointer = stackalloc byte[2];
        if (memory.TryRead(EbdaPointerAddress, pointer))
        {
            ulong ebda = (ulong)BinaryPrimitives.ReadUInt16LittleEndian(pointer) << 4;
            if (ebda != 0 && Scan(ref memory, ebda, ebda + 1024, out rsdp))
            {
                return AcpiStatus.Ok;
            }
        }

        if (Scan(ref memory, BiosAreaStart, BiosAreaEnd, out rsdp))
        {
            return AcpiStatus.Ok;
        }

        rsdp = default;
        return AcpiStatus.NoRsdp;
    }

    private static bool Scan<TReader>(ref TReader memory, ulong start, ulong end, out RsdpInfo rsdp)
        where TReader : struct, IPhysicalMemoryReader
    {
        Span<byte> chunk = stackalloc byte[ScanChunk];
        for (ulong at = start; at < end; at += ScanChunk)
        {
            int length = (int)Math.Min((ulong)ScanChunk, end - at);
            if (!memory.TryRead(at, chunk.Slice(0, length)))
            {
                continue;
            }

            for (int offset = 0; offset + 8 <= length; offset += 16)
            {
                if (IsRsdpSignature(chunk.Slice(offset, 8)) && ReadRsdp(ref memory, at + (ulong)offset, out rsdp) == AcpiStatus.Ok)
                {
                    return true;
                }
            }
        }

        rsdp = default;
        return false;
    }

    private static bool IsRsdpSignature(ReadOnlySpan<byte> bytes) => bytes.SequenceEqual("RSD PTR "u8);

    /// <summary>
    /// Validates the RSDP at <paramref name="address"/> (e.g. PVH's <c>rsdp_paddr</c>):
    /// signature, the 20-byte checksum, and for revision 2 or later the length and the
    /// extended checksum over that length.
    /// </summary>
    public static AcpiStatus ReadRsdp<TReader>(ref TReader memory, ulong address, out RsdpInfo rsdp)
        where TReader : struct, IPhysicalMemoryReader
    {
        rsdp = default;
        Span<byte> bytes = stackalloc byte[RsdpV2Length];
        if (address == 0 || !memory.TryRead(address, bytes.Slice(0, RsdpV1Length)))
        {
            return AcpiStatus.UnreadableRsdp;
        }

        if (!IsRsdpSignature(bytes.Slice(0, 8)))
        {
            return AcpiStatus.BadRsdpSignature;
        }

        if (Sum(bytes.Slice(0, RsdpV1Length)) != 0)
        {
            return AcpiStatus.BadRsdpChecksum;
        }

        rsdp.Address = address;
        rsdp.Revision = bytes[15];
        rsdp.RsdtAddress = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(16));
        if (rsdp.Revision >= 2)
        {
            if (!memory.TryRead(address + RsdpV1Length, bytes.Slice(RsdpV1Length)))
            {
                return AcpiStatus.UnreadableRsdp;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(20));
            if (length < RsdpV2Length || length > 4096)
            {
                return AcpiStatus.BadRsdpLength;
            }

            AcpiStatus status = Checksum(ref memory, address, length, AcpiStatus.UnreadableRsdp, out byte sum);
            if (status != AcpiStatus.Ok)
            {
                return status;
            }

            if (sum != 0)
            {
                return AcpiStatus.BadRsdpExtendedChecksum;
            }

            rsdp.XsdtAddress = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(24));
        }

        return AcpiStatus.Ok;
    }

    /// <summary>
    /// Validates the table at <paramref name="address"/>: readable header,
    /// <paramref name="signature"/> (0 accepts any), length between
    /// <see cref="HeaderLength"/> and <see cref="MaxTableLength"/>, the whole table
    /// readable and summing to 0. <paramref name="length"/> is the header's length
    /// field (0 if the header was unreadable).
    /// </summary>
    public static AcpiStatus ValidateTable<TReader>(ref TReader memory, ulong address, uint signature, out uint length)
        where TReader : struct, IPhysicalMemoryReader
    {
        length = 0;
        Span<byte> header = stackalloc byte[8];
        if (address == 0 || !memory.TryRead(address, header))
        {
            return AcpiStatus.UnreadableTable;
        }

        length = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(4));
        if (signature != 0 && BinaryPrimitives.ReadUInt32LittleEndian(header) != signature)
        {
            return AcpiStatus.BadSignature;
        }

        if (length < HeaderLength || length > MaxTableLength)
        {
            return AcpiStatus.BadLength;
        }

        AcpiStatus status = Checksum(ref memory, address, length, AcpiStatus.UnreadableTable, out byte sum);
        if (status != AcpiStatus.Ok)
        {
            return status;
        }

        return sum == 0 ? AcpiStatus.Ok : AcpiStatus.BadChecksum;
    }

    /// <summary>
    /// Chooses and validates the root table: the XSDT when the RSDP is revision 2+
    /// and gives one, else (or if the XSDT is invalid and an RSDT exists) the RSDT.
    /// </summary>
    public static AcpiStatus ReadRoot<TReader>(ref TReader memory, in RsdpInfo rsdp, out RootTable root)
        where TReader : struct, IPhysicalMemoryReader
    {
        root = default;
        AcpiStatus status = AcpiStatus.NoRootTable;
        uint length;
        if (rsdp.Revision >= 2 && rsdp.XsdtAddress != 0)
        {
            status = ValidateTable(ref memory, rsdp.XsdtAddress, XsdtSignature, out length);
            if (status == AcpiStatus.Ok)
            {
                root.Address = rsdp.XsdtAddress;
                root.IsXsdt = true;
                root.EntryCount = (int)Math.Min((length - HeaderLength) / 8, (uint)MaxRootEntries);
                return AcpiStatus.Ok;
            }
        }

        if (rsdp.RsdtAddress != 0)
        {
            // A broken XSDT is reported unless the RSDT saves the day.
            AcpiStatus rsdtStatus = ValidateTable(ref memory, rsdp.RsdtAddress, RsdtSignature, out length);
            if (rsdtStatus == AcpiStatus.Ok)
            {
                root.Address = rsdp.RsdtAddress;
                root.IsXsdt = false;
                root.EntryCount = (int)Math.Min((length - HeaderLength) / 4, (uint)MaxRootEntries);
                return AcpiStatus.Ok;
            }

            if (status == AcpiStatus.NoRootTable)
            {
                status = rsdtStatus;
            }
        }

        return status;
    }

    /// <summary>Reads entry <paramref name="index"/> of the root table (a table address).</summary>
    public static bool TryReadRootEntry<TReader>(ref TReader memory, in RootTable root, int index, out ulong address)
        where TReader : struct, IPhysicalMemoryReader
    {
        address = 0;
        if (index < 0 || index >= root.EntryCount)
        {
            return false;
        }

        Span<byte> entry = stackalloc byte[8];
        int size = root.IsXsdt ? 8 : 4;
        if (!memory.TryRead(root.Address + HeaderLength + ((ulong)index * (ulong)size), entry.Slice(0, size)))
        {
            return false;
        }

        address = root.IsXsdt ? BinaryPrimitives.ReadUInt64LittleEndian(entry) : BinaryPrimitives.ReadUInt32LittleEndian(entry);
        return true;
    }

    /// <summary>
    /// Finds the first valid table with <paramref name="signature"/> listed by the root
    /// table. If the only tables with that signature are invalid, returns why the first
    /// of them failed; if none is listed, <paramref name="notFound"/>.
    /// </summary>
    public static AcpiStatus FindTable<TReader>(ref TReader memory, in RootTable root, uint signature, AcpiStatus notFound, out ulong address, out uint length)
        where TReader : struct, IPhysicalMemoryReader
    {
        address = 0;
        length = 0;
        AcpiStatus result = notFound;
        Span<byte> sig = stackalloc byte[4];
        for (int i = 0; i < root.EntryCount; i++)
        {
            if (!TryReadRootEntry(ref memory, root, i, out ulong candidate))
            {
                return result == notFound ? AcpiStatus.UnreadableTable : result;
            }

            if (candidate == 0 || !memory.TryRead(candidate, sig) || BinaryPrimitives.ReadUInt32LittleEndian(sig) != signature)
            {
                continue;
            }

            AcpiStatus status = ValidateTable(ref memory, candidate, signature, out uint candidateLength);
            if (status == AcpiStatus.Ok)
            {
                address = candidate;
                length = candidateLength;
                return AcpiStatus.Ok;
            }

            if (result == notFound)
            {
                result = status;
            }
        }

        return result;
    }

    /// <summary>Sums <paramref name="length"/> bytes from <paramref name="address"/>
    /// modulo 256, reading in small chunks (no buffer the size of the table).</summary>
    private static AcpiStatus Checksum<TReader>(ref TReader memory, ulong address, uint length, AcpiStatus unreadable, out byte sum)
        where TReader : struct, IPhysicalMemoryReader
    {
        sum = 0;
        if (length > ulong.MaxValue - address)
        {
            return unreadable;
        }

        Span<byte> chunk = stackalloc byte[ChecksumChunk];
        for (uint done = 0; done < length;)
        {
            int count = (int)Math.Min((uint)ChecksumChunk, length - done);
            if (!memory.TryRead(address + done, chunk.Slice(0, count)))
            {
                return unreadable;
            }

            sum = (byte)(sum + Sum(chunk.Slice(0, count)));
            done += (uint)count;
        }

        return AcpiStatus.Ok;
    }

    /// <summary>Sum of the bytes modulo 256 (0 for a valid ACPI checksum range).</summary>
    public static byte Sum(ReadOnlySpan<byte> bytes)
    {
        int sum = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            sum += bytes[i];
        }

        return (byte)sum;
    }
}
