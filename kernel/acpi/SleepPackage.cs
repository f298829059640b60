using System;
using System.Buffers.Binary;
using Microkernel.Boot;

namespace Microkernel.Acpi;

/// <summary>The SLP_TYP values of one sleep state (here S5, soft off) from the
/// DSDT's <c>\_Sx</c> package: what to put in PM1a_CNT and PM1b_CNT.SLP_TYP.</summary>
public struct SleepType
{
    /// <summary>SLP_TYPa (low 3 bits are used).</summary>
    public byte A;

    /// <summary>SLP_TYPb (low 3 bits are used).</summary>
    public byte B;

    /// <summary>Byte offset of the <c>_S5_</c> name within the DSDT.</summary>
    public uint NameOffset;
}

/// <summary>
/// Finds <c>Name(_S5_, Package(){a, b, ...})</c> in DSDT AML without an interpreter:
/// NameOp (0x08), optionally the root prefix '\', the name segment "_S5_", PackageOp
/// (0x12), PkgLength, NumElements, then integer constants. Only the first two
/// elements matter; a one-element package carries SLP_TYPa in bits 0-7 and SLP_TYPb
/// in bits 8-15 (as ACPICA reads it).
/// </summary>
/// <remarks>A byte scan can in principle match "_S5_" inside unrelated data; requiring
/// the NameOp before it and a well-formed package after it makes that vanishingly
/// unlikely on real tables, which is the usual trade for not running AML.</remarks>
public static class SleepPackage
{
    private const byte NameOp = 0x08;
    private const byte RootPrefix = 0x5C;
    private const byte PackageOp = 0x12;
    private const int ScanChunk = 512;

    /// <summary>Bytes read after the name: PackageOp, a PkgLength of up to 4 bytes,
    /// NumElements and two elements of up to 9 bytes each, with room to spare.</summary>
    public const int WindowLength = 48;

    /// <summary>Outcome of decoding bytes that follow a candidate name.</summary>
    public enum DecodeResult : byte
    {
        /// <summary>A well-formed package with integer first elements.</summary>
        Ok = 0,

        /// <summary>Not a package at all (the name is used for something else): keep looking.</summary>
        NotPackage,

        /// <summary>A package, but cut off or not made of integer constants.</summary>
        Malformed,
    }

    /// <summary>
    /// Validates the DSDT at <paramref name="dsdtAddress"/> and looks for the <c>_S5_</c>
    /// package in its AML. <see cref="AcpiStatus.NoS5"/> if there is none,
    /// <see cref="AcpiStatus.MalformedS5"/> if the first one found is cut off or not
    /// made of integer constants.
    /// </summary>
    public static AcpiStatus ReadS5<TReader>(ref TReader memory, ulong dsdtAddress, out SleepType s5)
        where TReader : struct, IPhysicalMemoryReader
    {
        s5 = default;
        AcpiStatus status = AcpiTableReader.ValidateTable(ref memory, dsdtAddress, AcpiTableReader.DsdtSignature, out uint length);
        if (status != AcpiStatus.Ok)
        {
            return status;
        }

        Span<byte> chunk = stackalloc byte[ScanChunk];
        // Two bytes before the name, the name, then the package.
        Span<byte> window = stackalloc byte[2 + 4 + WindowLength];
        // Chunks overlap by 3 bytes so a name split across two chunks is still seen.
        for (uint at = AcpiTableReader.HeaderLength; at + 4 <= length; at += ScanChunk - 3)
        {
            int count = (int)Math.Min((uint)ScanChunk, length - at);
            if (!memory.TryRead(dsdtAddress + at, chunk.Slice(0, count)))
            {
                return AcpiStatus.UnreadableTable;
            }

            for (int i = 0; i + 4 <= count; i++)
            {
                if (chunk[i] != (byte)'_' || chunk[i + 1] != (byte)'S' || chunk[i + 2] != (byte)'5' || chunk[i + 3] != (byte)'_')
                {
                    continue;
                }

                uint name = at + (uint)i;
                // Up to two bytes before the name (NameOp, root prefix), never before the AML.
                uint before = Math.Min(2u, name - AcpiTableReader.HeaderLength);
                uint afterName = name + 4;
                int packageAt = (int)before + 4;
                int windowLength = packageAt + (int)Math.Min((uint)WindowLength, length - afterName);
                if (!memory.TryRead(dsdtAddress + name - before, window.Slice(0, windowLength)))
                {
                    return AcpiStatus.UnreadableTable;
                }

                if (!PrecededByNameOp(window.Slice(0, (int)before)))
                {
                    continue;
                }

                DecodeResult result = Decode(window.Slice(packageAt, windowLength - packageAt), length - afterName, out s5);
                if (result == DecodeResult.NotPackage)
                {
                    continue;
                }

                s5.NameOffset = name;
                return result == DecodeResult.Ok ? AcpiStatus.Ok : AcpiStatus.MalformedS5;
            }
        }

        s5 = default;
        return AcpiStatus.NoS5;
    }

    /// <summary>True if the bytes just before a name are NameOp or NameOp + '\'.</summary>
    private static bool PrecededByNameOp(ReadOnlySpan<byte> before)
    {
        int n = before.Length;
        if (n >= 1 && before[n - 1] == NameOp)
        {
            return true;
        }

        return n >= 2 && before[n - 1] == RootPrefix && before[n - 2] == NameOp;
    }

    /// <summary>
    /// Decodes the bytes after a <c>_S5_</c> name segment. <paramref name="bytes"/> starts
    /// at what should be PackageOp; <paramref name="remaining"/> is how many bytes the
    /// table has from there (the package must end within them). Pure, for host tests.
    /// </summary>
    public static DecodeResult Decode(ReadOnlySpan<byte> bytes, uint remaining, out SleepType s5)
    {
        s5 = default;
        if (bytes.Length == 0 || bytes[0] != PackageOp)
        {
            return DecodeResult.NotPackage;
        }

        if (bytes.Length < 2)
        {
            return DecodeResult.Malformed;
        }

        // PkgLength: the lead byte's top two bits count the bytes that follow; with
        // none, its low 6 bits are the length, else its low 4 bits are the lowest.
        byte lead = bytes[1];
        int follow = lead >> 6;
        if (2 + follow > bytes.Length)
        {
            return DecodeResult.Malformed;
        }

        uint packageLength = follow == 0 ? (uint)(lead & 0x3F) : (uint)(lead & 0x0F);
        for (int k = 0; k < follow; k++)
        {
            packageLength |= (uint)bytes[2 + k] << (4 + (8 * k));
        }

        // PkgLength counts itself and what follows it; PackageOp is one byte before it.
        uint packageEnd = 1 + packageLength;
        uint headerEnd = (uint)(2 + follow + 1); // PackageOp, PkgLength, NumElements
        if (packageLength < (uint)(1 + follow + 1) || packageEnd > remaining || headerEnd > (uint)bytes.Length)
        {
            return DecodeResult.Malformed;
        }

        int elements = bytes[2 + follow];
        int limit = (int)Math.Min(packageEnd, (uint)bytes.Length);
        int position = (int)headerEnd;
        if (elements == 0 || !ReadInteger(bytes, limit, ref position, out ulong a))
        {
            return DecodeResult.Malformed;
        }

        if (elements == 1)
        {
            s5.A = (byte)a;
            s5.B = (byte)(a >> 8);
            return DecodeResult.Ok;
        }

        if (!ReadInteger(bytes, limit, ref position, out ulong b))
        {
            return DecodeResult.Malformed;
        }

        s5.A = (byte)a;
        s5.B = (byte)b;
        return DecodeResult.Ok;
    }

    /// <summary>Reads one AML integer constant (ZeroOp, OneOp, OnesOp, BytePrefix,
    /// WordPrefix, DWordPrefix, QWordPrefix) that must end at or before <paramref name="limit"/>.</summary>
    private static bool ReadInteger(ReadOnlySpan<byte> bytes, int limit, ref int position, out ulong value)
    {
        value = 0;
        if (position >= limit)
        {
            return false;
        }

        byte op = bytes[position];
        int size;
        switch (op)
        {
            case 0x00: position += 1; return true;                      // ZeroOp
            case 0x01: value = 1; position += 1; return true;           // OneOp
            case 0xFF: value = ulong.MaxValue; position += 1; return true; // OnesOp
            case 0x0A: size = 1; break;                                 // BytePrefix
            case 0x0B: size = 2; break;                                 // WordPrefix
            case 0x0C: size = 4; break;                                 // DWordPrefix
            case 0x0E: size = 8; break;                                 // QWordPrefix
            default: return false;
        }

        if (position + 1 + size > limit)
        {
            return false;
        }

        ReadOnlySpan<byte> data = bytes.Slice(position + 1, size);
        value = size switch
        {
            1 => data[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(data),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(data),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(data),
        };
        position += 1 + size;
        return true;
    }
}
