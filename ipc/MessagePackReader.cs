using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Microkernel.Ipc;

/// <summary>
/// Reads MessagePack from a span that may hold anything (it can come from a hostile peer).
/// Every method checks the bytes it needs against the span before touching them and returns
/// false on a type mismatch, an out-of-range value or truncated input; on failure the
/// position does not move. Nothing allocates: strings and binaries come back as slices.
/// </summary>
public ref struct MessagePackReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    /// <summary>Creates a reader positioned at the start of <paramref name="buffer"/>.</summary>
    public MessagePackReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left to read.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool End
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _position >= _buffer.Length;
    }

    /// <summary>True when the next value is nil (without consuming it).</summary>
    public readonly bool NextIsNil => _position < _buffer.Length && _buffer[_position] == MessagePackCode.Nil;

    /// <summary>Consumes a nil.</summary>
    public bool TryReadNil()
    {
        if (!NextIsNil)
        {
            return false;
        }

        _position++;
        return true;
    }

    /// <summary>Reads true or false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadBoolean(out bool value)
    {
        value = false;
        if (_position >= _buffer.Length)
        {
            return false;
        }

        byte code = _buffer[_position];
        if (code != MessagePackCode.True && code != MessagePackCode.False)
        {
            return false;
        }

        value = code == MessagePackCode.True;
        _position++;
        return true;
    }

    /// <summary>Reads any integer encoding whose value fits in a long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadInt64(out long value)
    {
        // Positive fixint (0..127) inline, as TryReadInt32 and the unsigned readers do.
        if ((uint)_position < (uint)_buffer.Length && _buffer[_position] <= MessagePackCode.MaxFixPositiveInt)
        {
            value = _buffer[_position++];
            return true;
        }

        return TryReadInt64Wide(out value);
    }

    private bool TryReadInt64Wide(out long value)
    {
        value = 0;
        if (!TryReadInteger(out ulong magnitude, out bool negative, out int size))
        {
            return false;
        }

        if (!negative && magnitude > long.MaxValue)
        {
            return false;
        }

        value = (long)magnitude;
        _position += size;
        return true;
    }

    /// <summary>Reads any integer encoding whose value is non-negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadUInt64(out ulong value)
    {
        if ((uint)_position < (uint)_buffer.Length && _buffer[_position] <= MessagePackCode.MaxFixPositiveInt)
        {
            value = _buffer[_position++];
            return true;
        }

        return TryReadUInt64Wide(out value);
    }

    private bool TryReadUInt64Wide(out ulong value)
    {
        value = 0;
        if (!TryReadInteger(out ulong raw, out bool negative, out int size) || negative)
        {
            return false;
        }

        value = raw;
        _position += size;
        return true;
    }

    /// <summary>Reads an integer in [int.MinValue, int.MaxValue].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadInt32(out int value)
    {
        bool ok = TryReadSigned(int.MinValue, int.MaxValue, out long wide);
        value = (int)wide;
        return ok;
    }

    /// <summary>Reads an integer in [0, uint.MaxValue].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadUInt32(out uint value)
    {
        bool ok = TryReadUnsigned(uint.MaxValue, out ulong wide);
        value = (uint)wide;
        return ok;
    }

    /// <summary>Reads an integer in [-32768, 32767].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadInt16(out short value)
    {
        bool ok = TryReadSigned(IntegerLimits.Int16Min, IntegerLimits.Int16Max, out long wide);
        value = (short)wide;
        return ok;
    }

    /// <summary>Reads an integer in [0, 65535].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadUInt16(out ushort value)
    {
        bool ok = TryReadUnsigned(IntegerLimits.UInt16Max, out ulong wide);
        value = (ushort)wide;
        return ok;
    }

    /// <summary>Reads an integer in [-128, 127].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadSByte(out sbyte value)
    {
        bool ok = TryReadSigned(IntegerLimits.SByteMin, IntegerLimits.SByteMax, out long wide);
        value = (sbyte)wide;
        return ok;
    }

    /// <summary>Reads an integer in [0, 255].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadByte(out byte value)
    {
        bool ok = TryReadUnsigned(IntegerLimits.ByteMax, out ulong wide);
        value = (byte)wide;
        return ok;
    }

    /// <summary>Reads a str and returns its UTF-8 bytes in place (not validated as UTF-8). A nil reads as empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadString(out ReadOnlySpan<byte> utf8)
    {
        // Fast path: fixstr, fully present.
        if (_position < _buffer.Length)
        {
            int code = _buffer[_position];
            int length = code & 0x1f;
            if ((code & 0xe0) == MessagePackCode.FixStr && length < _buffer.Length - _position)
            {
                utf8 = _buffer.Slice(_position + 1, length);
                _position += 1 + length;
                return true;
            }
        }

        return TryReadStringWide(out utf8);
    }

    private bool TryReadStringWide(out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if (TryReadNil())
        {
            return true;
        }

        if (_position >= _buffer.Length)
        {
            return false;
        }

        byte code = _buffer[_position];
        int headerSize;
        long length;
        if (code >= MessagePackCode.FixStr && code <= MessagePackCode.FixStr + 31)
        {
            headerSize = 1;
            length = code & 0x1f;
        }
        else if (!TryReadLengthHeader(code, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32, out headerSize, out length))
        {
            return false;
        }

        return TryTakePayload(headerSize, length, out utf8);
    }

    /// <summary>Reads a bin and returns its bytes in place. A nil reads as empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadBinary(out ReadOnlySpan<byte> bytes)
    {
        // Fast path: bin8 (up to 255 bytes), fully present.
        if (_buffer.Length - _position >= 2 && _buffer[_position] == MessagePackCode.Bin8)
        {
            int length = _buffer[_position + 1];
            if (length <= _buffer.Length - _position - 2)
            {
                bytes = _buffer.Slice(_position + 2, length);
                _position += 2 + length;
                return true;
            }
        }

        return TryReadBinaryWide(out bytes);
    }

    private bool TryReadBinaryWide(out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (TryReadNil())
        {
            return true;
        }

        if (_position >= _buffer.Length)
        {
            return false;
        }

        byte code = _buffer[_position];
        if (!TryReadLengthHeader(code, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32, out int headerSize, out long length))
        {
            return false;
        }

        return TryTakePayload(headerSize, length, out bytes);
    }

    /// <summary>
    /// Reads an array header. The count is checked against the bytes left (every element takes
    /// at least one byte), so a forged count can never drive a long loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadArrayHeader(out uint count)
    {
        // Fast path: a fixarray whose elements can fit in what is left.
        if (_position < _buffer.Length)
        {
            uint code = _buffer[_position];
            if ((code & 0xf0) == MessagePackCode.FixArray && (code & 0x0f) < (uint)(_buffer.Length - _position))
            {
                count = code & 0x0f;
                _position++;
                return true;
            }
        }

        return TryReadContainerHeader(MessagePackCode.FixArray, MessagePackCode.Array16, MessagePackCode.Array32, 1, out count);
    }

    /// <summary>Reads a map header; the entry count is checked against the bytes left (two bytes per entry at least).</summary>
    public bool TryReadMapHeader(out uint count)
    {
        return TryReadContainerHeader(MessagePackCode.FixMap, MessagePackCode.Map16, MessagePackCode.Map32, 2, out count);
    }

    /// <summary>
    /// Skips one complete value of any type, nested containers included. Iterative (no recursion,
    /// so no stack exhaustion on deep nesting) and bounded by the input length: every step
    /// consumes at least one byte.
    /// </summary>
    public bool TrySkip()
    {
        int start = _position;
        long pending = 1;
        while (pending > 0)
        {
            if (!TrySkipOneHeader(out long children))
            {
                _position = start;
                return false;
            }

            pending += children - 1;
        }

        return true;
    }

    /// <summary>
    /// Consumes one value's own bytes; containers report how many child values follow.
    /// </summary>
    private bool TrySkipOneHeader(out long children)
    {
        children = 0;
        if (_position >= _buffer.Length)
        {
            return false;
        }

        byte code = _buffer[_position];
        if (code <= MessagePackCode.MaxFixPositiveInt || code >= MessagePackCode.NegativeFixIntStart
            || code == MessagePackCode.Nil || code == MessagePackCode.True || code == MessagePackCode.False)
        {
            _position++;
            return true;
        }

        if ((code & 0xf0) == MessagePackCode.FixMap || (code & 0xf0) == MessagePackCode.FixArray
            || code == MessagePackCode.Array16 || code == MessagePackCode.Array32
            || code == MessagePackCode.Map16 || code == MessagePackCode.Map32)
        {
            bool isMap = (code & 0xf0) == MessagePackCode.FixMap || code == MessagePackCode.Map16 || code == MessagePackCode.Map32;
            bool ok = isMap ? TryReadMapHeader(out uint entries) : TryReadArrayHeader(out entries);
            children = isMap ? 2L * entries : entries;
            return ok;
        }

        if ((code >= MessagePackCode.FixStr && code <= MessagePackCode.FixStr + 31)
            || code == MessagePackCode.Str8 || code == MessagePackCode.Str16 || code == MessagePackCode.Str32)
        {
            return TryReadString(out _);
        }

        if (code == MessagePackCode.Bin8 || code == MessagePackCode.Bin16 || code == MessagePackCode.Bin32)
        {
            return TryReadBinary(out _);
        }

        int fixedSize = FixedSize(code);
        if (fixedSize > 0)
        {
            return TryTakePayload(1, fixedSize - 1, out _);
        }

        if (code >= MessagePackCode.Ext8 && code <= MessagePackCode.Ext32)
        {
            // ext: length header, one type byte, then data.
            if (!TryReadLengthHeader(code, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32, out int headerSize, out long length))
            {
                return false;
            }

            return TryTakePayload(headerSize, length + 1, out _);
        }

        return false;
    }

    /// <summary>Total size of fixed-size values (numbers, fixext) by format byte; 0 for anything else.</summary>
    private static int FixedSize(byte code)
    {
        switch (code)
        {
            case MessagePackCode.UInt8:
            case MessagePackCode.Int8:
                return 2;
            case MessagePackCode.UInt16:
            case MessagePackCode.Int16:
                return 3;
            case MessagePackCode.UInt32:
            case MessagePackCode.Int32:
            case MessagePackCode.Float32:
                return 5;
            case MessagePackCode.UInt64:
            case MessagePackCode.Int64:
            case MessagePackCode.Float64:
                return 9;
            case MessagePackCode.FixExt1:
                return 3;
            case MessagePackCode.FixExt1 + 1:
                return 4;
            case MessagePackCode.FixExt1 + 2:
                return 6;
            case MessagePackCode.FixExt1 + 3:
                return 10;
            case MessagePackCode.FixExt16:
                return 18;
            default:
                return 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadSigned(long min, long max, out long value)
    {
        // Fast path: a positive fixint is in range of every integer type.
        if (_position < _buffer.Length && _buffer[_position] <= MessagePackCode.MaxFixPositiveInt)
        {
            value = _buffer[_position++];
            return true;
        }

        return TryReadSignedWide(min, max, out value);
    }

    private bool TryReadSignedWide(long min, long max, out long value)
    {
        value = 0;
        if (!TryReadInteger(out ulong raw, out bool negative, out int size))
        {
            return false;
        }

        if (negative ? (long)raw < min : raw > (ulong)max)
        {
            return false;
        }

        value = (long)raw;
        _position += size;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadUnsigned(ulong max, out ulong value)
    {
        if (_position < _buffer.Length && _buffer[_position] <= MessagePackCode.MaxFixPositiveInt)
        {
            value = _buffer[_position++];
            return true;
        }

        return TryReadUnsignedWide(max, out value);
    }

    private bool TryReadUnsignedWide(ulong max, out ulong value)
    {
        value = 0;
        if (!TryReadInteger(out ulong raw, out bool negative, out int size) || negative || raw > max)
        {
            return false;
        }

        value = raw;
        _position += size;
        return true;
    }

    /// <summary>
    /// Decodes any integer encoding at the current position without consuming it. Returns the
    /// bits (two's complement when <paramref name="negative"/>) and the encoded size.
    /// </summary>
    private readonly bool TryReadInteger(out ulong value, out bool negative, out int size)
    {
        value = 0;
        negative = false;
        size = 0;
        if ((uint)_position >= (uint)_buffer.Length)
        {
            return false;
        }

        byte code = _buffer[_position];
        if (code <= MessagePackCode.MaxFixPositiveInt)
        {
            value = code;
            size = 1;
            return true;
        }

        if (code >= MessagePackCode.NegativeFixIntStart)
        {
            value = (ulong)(long)(sbyte)code;
            negative = true;
            size = 1;
            return true;
        }

        // uint 8/16/32/64 are 0xcc..0xcf and int 8/16/32/64 are 0xd0..0xd3: the offset from
        // 0xcc names the family (bit 2) and the width (1 << the low two bits). Arithmetic
        // instead of two switches keeps this short on the decode path of every integer.
        uint offset = (uint)code - MessagePackCode.UInt8;
        if (offset > MessagePackCode.Int64 - MessagePackCode.UInt8)
        {
            return false;
        }

        int payload = 1 << (int)(offset & 3);
        if (_buffer.Length - _position - 1 < payload)
        {
            return false;
        }

        ReadOnlySpan<byte> bytes = _buffer.Slice(_position + 1, payload);
        ulong raw = payload switch
        {
            1 => bytes[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32BigEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64BigEndian(bytes),
        };
        if (offset >= MessagePackCode.Int8 - MessagePackCode.UInt8)
        {
            // Sign-extend from the payload's width.
            int unused = 64 - 8 * payload;
            raw = (ulong)((long)(raw << unused) >> unused);
            negative = (long)raw < 0;
        }

        value = raw;
        size = 1 + payload;
        return true;
    }

    /// <summary>Decodes a 1/2/4-byte big-endian length header of the given family (str, bin or ext).</summary>
    private readonly bool TryReadLengthHeader(byte code, byte code8, byte code16, byte code32, out int headerSize, out long length)
    {
        headerSize = 0;
        length = 0;
        int lengthBytes = code == code8 ? 1 : code == code16 ? 2 : code == code32 ? 4 : 0;
        if (lengthBytes == 0 || _buffer.Length - _position - 1 < lengthBytes)
        {
            return false;
        }

        ReadOnlySpan<byte> bytes = _buffer.Slice(_position + 1, lengthBytes);
        length = lengthBytes == 1 ? bytes[0] : lengthBytes == 2 ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
        headerSize = 1 + lengthBytes;
        return true;
    }

    private bool TryReadContainerHeader(byte fixCode, byte code16, byte code32, int minBytesPerEntry, out uint count)
    {
        count = 0;
        if (_position >= _buffer.Length)
        {
            return false;
        }

        byte code = _buffer[_position];
        int headerSize;
        long entries;
        if ((code & 0xf0) == fixCode)
        {
            headerSize = 1;
            entries = code & 0x0f;
        }
        else
        {
            int countBytes = code == code16 ? 2 : code == code32 ? 4 : 0;
            if (countBytes == 0 || _buffer.Length - _position - 1 < countBytes)
            {
                return false;
            }

            ReadOnlySpan<byte> bytes = _buffer.Slice(_position + 1, countBytes);
            entries = countBytes == 2 ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
            headerSize = 1 + countBytes;
        }

        if (entries * minBytesPerEntry > _buffer.Length - _position - headerSize)
        {
            return false;
        }

        count = (uint)entries;
        _position += headerSize;
        return true;
    }

    /// <summary>Consumes a header of <paramref name="headerSize"/> bytes plus <paramref name="length"/> payload bytes, if all present.</summary>
    private bool TryTakePayload(int headerSize, long length, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        long available = (long)_buffer.Length - _position - headerSize;
        if (length < 0 || length > available)
        {
            return false;
        }

        payload = _buffer.Slice(_position + headerSize, (int)length);
        _position += headerSize + (int)length;
        return true;
    }
}
