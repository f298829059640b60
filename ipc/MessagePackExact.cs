using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microkernel.Ipc;

/// <summary>
/// The sending fast path's codec: the exact encoded size of each value (<c>SizeOf…</c>), then
/// writes to a pointer with no bounds checks (<c>Write…</c>, each returns the position after what it
/// wrote). Generated <c>EncodedSize</c>/<c>EncodeTo</c> use it so a generated sender can claim
/// exactly the message's bytes in the ring and fill them in one pass, with no writer state and no
/// overflow path. The encodings are the ones <see cref="MessagePackWriter"/> picks (smallest form,
/// same as MessagePack-CSharp), byte for byte; the wire-compatibility properties check both
/// against each other for every message type.
/// </summary>
/// <remarks>
/// Unchecked by design: the caller guarantees room for the size it computed from the same values.
/// That holds for memory we own and values we hold in locals (the generated sender copies the
/// message first); it must never be used to write into memory whose size came from a peer.
/// </remarks>
public static unsafe class MessagePackExact
{
    /// <summary>Size of a signed integer in its smallest encoding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfInt64(long value)
    {
        if (value >= 0)
        {
            return SizeOfUInt64((ulong)value);
        }

        if (value >= MessagePackCode.MinFixNegativeInt)
        {
            return 1;
        }

        return value >= IntegerLimits.SByteMin ? 2 : value >= IntegerLimits.Int16Min ? 3 : value >= int.MinValue ? 5 : 9;
    }

    /// <summary>Size of an unsigned integer in its smallest encoding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfUInt64(ulong value)
    {
        return value <= MessagePackCode.MaxFixPositiveInt ? 1
            : value <= IntegerLimits.ByteMax ? 2
            : value <= IntegerLimits.UInt16Max ? 3
            : value <= uint.MaxValue ? 5 : 9;
    }

    /// <summary>Size of a str of <paramref name="length"/> bytes, header included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfString(int length)
    {
        return length + (length <= 31 ? 1 : length <= IntegerLimits.ByteMax ? 2 : length <= IntegerLimits.UInt16Max ? 3 : 5);
    }

    /// <summary>Size of a bin of <paramref name="length"/> bytes, header included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfBinary(int length)
    {
        return length + (length <= IntegerLimits.ByteMax ? 2 : length <= IntegerLimits.UInt16Max ? 3 : 5);
    }

    /// <summary>Size of an array header for <paramref name="count"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfArrayHeader(uint count)
    {
        return count <= 15 ? 1 : count <= IntegerLimits.UInt16Max ? 3 : 5;
    }

    /// <summary>Writes true or false (1 byte).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* WriteBoolean(byte* destination, bool value)
    {
        *destination = value ? MessagePackCode.True : MessagePackCode.False;
        return destination + 1;
    }

    /// <summary>Writes a signed integer in its smallest encoding (<see cref="SizeOfInt64"/> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* WriteInt64(byte* destination, long value)
    {
        if ((ulong)(value - MessagePackCode.MinFixNegativeInt) <= MessagePackCode.MaxFixPositiveInt - MessagePackCode.MinFixNegativeInt)
        {
            *destination = (byte)(sbyte)value;
            return destination + 1;
        }

        return WriteInt64Wide(destination, value);
    }

    private static byte* WriteInt64Wide(byte* destination, long value)
    {
        if (value >= 0)
        {
            return WriteUInt64Wide(destination, (ulong)value);
        }

        if (value >= IntegerLimits.SByteMin)
        {
            destination[0] = MessagePackCode.Int8;
            destination[1] = (byte)(sbyte)value;
            return destination + 2;
        }

        if (value >= IntegerLimits.Int16Min)
        {
            destination[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(new Span<byte>(destination + 1, 2), (short)value);
            return destination + 3;
        }

        if (value >= int.MinValue)
        {
            destination[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(new Span<byte>(destination + 1, 4), (int)value);
            return destination + 5;
        }

        destination[0] = MessagePackCode.Int64;
        BinaryPrimitives.WriteInt64BigEndian(new Span<byte>(destination + 1, 8), value);
        return destination + 9;
    }

    /// <summary>Writes an unsigned integer in its smallest encoding (<see cref="SizeOfUInt64"/> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* WriteUInt64(byte* destination, ulong value)
    {
        if (value <= MessagePackCode.MaxFixPositiveInt)
        {
            *destination = (byte)value;
            return destination + 1;
        }

        return WriteUInt64Wide(destination, value);
    }

    private static byte* WriteUInt64Wide(byte* destination, ulong value)
    {
        if (value <= IntegerLimits.ByteMax)
        {
            destination[0] = MessagePackCode.UInt8;
            destination[1] = (byte)value;
            return destination + 2;
        }

        if (value <= IntegerLimits.UInt16Max)
        {
            destination[0] = MessagePackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(destination + 1, 2), (ushort)value);
            return destination + 3;
        }

        if (value <= uint.MaxValue)
        {
            destination[0] = MessagePackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(destination + 1, 4), (uint)value);
            return destination + 5;
        }

        destination[0] = MessagePackCode.UInt64;
        BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(destination + 1, 8), value);
        return destination + 9;
    }

    /// <summary>Writes a str whose bytes are already UTF-8 (<see cref="SizeOfString"/> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* WriteString(byte* destination, ReadOnlySpan<byte> utf8)
    {
        int length = utf8.Length;
        if (length <= 31)
        {
            *destination = (byte)(MessagePackCode.FixStr | length);
            return Copy(destination + 1, utf8);
        }

        return Copy(WriteLengthHeader(destination, length, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32), utf8);
    }

    /// <summary>Writes a bin (<see cref="SizeOfBinary"/> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* WriteBinary(byte* destination, ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length;
        if (length <= IntegerLimits.ByteMax)
        {
            destination[0] = MessagePackCode.Bin8;
            destination[1] = (byte)length;
            return Copy(destination + 2, bytes);
        }

        return Copy(WriteLengthHeader(destination, length, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32), bytes);
    }

    /// <summary>Writes an array header (<see cref="SizeOfArrayHeader"/> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* WriteArrayHeader(byte* destination, uint count)
    {
        if (count <= 15)
        {
            *destination = (byte)(MessagePackCode.FixArray | count);
            return destination + 1;
        }

        return WriteCountHeader(destination, count, MessagePackCode.Array16, MessagePackCode.Array32);
    }

    private static byte* WriteLengthHeader(byte* destination, int length, byte code8, byte code16, byte code32)
    {
        if (length <= IntegerLimits.ByteMax)
        {
            destination[0] = code8;
            destination[1] = (byte)length;
            return destination + 2;
        }

        return WriteCountHeader(destination, (uint)length, code16, code32);
    }

    private static byte* WriteCountHeader(byte* destination, uint count, byte code16, byte code32)
    {
        if (count <= IntegerLimits.UInt16Max)
        {
            destination[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(destination + 1, 2), (ushort)count);
            return destination + 3;
        }

        destination[0] = code32;
        BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(destination + 1, 4), count);
        return destination + 5;
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/>. Up to 16 bytes (the
    /// common small field) are copied with at most two pairs of overlapping loads and stores
    /// instead of a call to the general copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* Copy(byte* destination, ReadOnlySpan<byte> source)
    {
        int length = source.Length;
        ref byte from = ref MemoryMarshal.GetReference(source);
        if (length >= 8 && length <= 16)
        {
            ulong first = Unsafe.ReadUnaligned<ulong>(ref from);
            ulong last = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, length - 8));
            Unsafe.WriteUnaligned(destination, first);
            Unsafe.WriteUnaligned(destination + length - 8, last);
        }
        else if (length >= 4 && length < 8)
        {
            uint first = Unsafe.ReadUnaligned<uint>(ref from);
            uint last = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref from, length - 4));
            Unsafe.WriteUnaligned(destination, first);
            Unsafe.WriteUnaligned(destination + length - 4, last);
        }
        else if (length < 4)
        {
            for (int i = 0; i < length; i++)
            {
                destination[i] = Unsafe.Add(ref from, i);
            }
        }
        else
        {
            source.CopyTo(new Span<byte>(destination, length));
        }

        return destination + length;
    }
}
