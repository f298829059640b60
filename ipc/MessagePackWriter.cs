using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microkernel.Ipc;

/// <summary>
/// Writes MessagePack into a caller-provided span, allocation-free. Integers use the smallest
/// encoding (the same choice the MessagePack-CSharp library makes, so bodies match it byte for
/// byte). Running out of room never throws: the writer stops writing and sets
/// <see cref="Overflowed"/>, which the caller checks once at the end.
/// </summary>
public ref struct MessagePackWriter
{
    private readonly Span<byte> _buffer;
    private int _position;
    private bool _overflowed;

    /// <summary>Creates a writer that fills <paramref name="buffer"/> from its start.</summary>
    public MessagePackWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
        _overflowed = false;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>True once a write did not fit; everything after it was dropped.</summary>
    public readonly bool Overflowed => _overflowed;

    /// <summary>First byte of the buffer the writer fills (its identity, for <see cref="ClientEndpoint.TryEnd"/>).</summary>
    internal readonly ref byte BufferStart => ref MemoryMarshal.GetReference(_buffer);

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer.Slice(0, _position);

    /// <summary>Writes nil.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteNil()
    {
        WriteByte(MessagePackCode.Nil);
    }

    /// <summary>Writes true or false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBoolean(bool value)
    {
        WriteByte(value ? MessagePackCode.True : MessagePackCode.False);
    }

    /// <summary>Writes a signed integer in its smallest encoding (non-negative values use the unsigned forms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(long value)
    {
        // Fixints (-32..127) are the common case and one byte: keep them inline.
        if ((ulong)(value - MessagePackCode.MinFixNegativeInt) <= MessagePackCode.MaxFixPositiveInt - MessagePackCode.MinFixNegativeInt)
        {
            WriteByte((byte)(sbyte)value);
            return;
        }

        WriteInt64Wide(value);
    }

    private void WriteInt64Wide(long value)
    {
        if (value >= 0)
        {
            WriteUInt64((ulong)value);
            return;
        }

        if (value >= MessagePackCode.MinFixNegativeInt)
        {
            WriteByte((byte)(sbyte)value);
        }
        else if (value >= IntegerLimits.SByteMin)
        {
            Span<byte> span = Reserve(2);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.Int8;
                span[1] = (byte)(sbyte)value;
            }
        }
        else if (value >= IntegerLimits.Int16Min)
        {
            Span<byte> span = Reserve(3);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.Int16;
                BinaryPrimitives.WriteInt16BigEndian(span.Slice(1), (short)value);
            }
        }
        else if (value >= int.MinValue)
        {
            Span<byte> span = Reserve(5);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.Int32;
                BinaryPrimitives.WriteInt32BigEndian(span.Slice(1), (int)value);
            }
        }
        else
        {
            Span<byte> span = Reserve(9);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.Int64;
                BinaryPrimitives.WriteInt64BigEndian(span.Slice(1), value);
            }
        }
    }

    /// <summary>Writes an unsigned integer in its smallest encoding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong value)
    {
        if (value <= MessagePackCode.MaxFixPositiveInt)
        {
            WriteByte((byte)value);
            return;
        }

        WriteUInt64Wide(value);
    }

    private void WriteUInt64Wide(ulong value)
    {
        if (value <= MessagePackCode.MaxFixPositiveInt)
        {
            WriteByte((byte)value);
        }
        else if (value <= IntegerLimits.ByteMax)
        {
            Span<byte> span = Reserve(2);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.UInt8;
                span[1] = (byte)value;
            }
        }
        else if (value <= IntegerLimits.UInt16Max)
        {
            Span<byte> span = Reserve(3);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.UInt16;
                BinaryPrimitives.WriteUInt16BigEndian(span.Slice(1), (ushort)value);
            }
        }
        else if (value <= uint.MaxValue)
        {
            Span<byte> span = Reserve(5);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.UInt32;
                BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1), (uint)value);
            }
        }
        else
        {
            Span<byte> span = Reserve(9);
            if (!span.IsEmpty)
            {
                span[0] = MessagePackCode.UInt64;
                BinaryPrimitives.WriteUInt64BigEndian(span.Slice(1), value);
            }
        }
    }

    /// <summary>Writes a str whose bytes are already UTF-8 (the codec does not transcode).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= 31)
        {
            Span<byte> span = Reserve(1 + utf8.Length);
            if (!_overflowed)
            {
                span[0] = (byte)(MessagePackCode.FixStr | utf8.Length);
                utf8.CopyTo(span.Slice(1));
            }

            return;
        }

        WriteStringWide(utf8);
    }

    private void WriteStringWide(ReadOnlySpan<byte> utf8)
    {
        int length = utf8.Length;
        if (length <= 31)
        {
            WriteByte((byte)(MessagePackCode.FixStr | length));
        }
        else
        {
            WriteLengthHeader(length, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32);
        }

        WriteRaw(utf8);
    }

    /// <summary>Writes a bin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= IntegerLimits.ByteMax)
        {
            Span<byte> span = Reserve(2 + bytes.Length);
            if (!_overflowed)
            {
                span[0] = MessagePackCode.Bin8;
                span[1] = (byte)bytes.Length;
                bytes.CopyTo(span.Slice(2));
            }

            return;
        }

        WriteBinaryWide(bytes);
    }

    private void WriteBinaryWide(ReadOnlySpan<byte> bytes)
    {
        WriteLengthHeader(bytes.Length, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32);
        WriteRaw(bytes);
    }

    /// <summary>Starts an array of <paramref name="count"/> elements; the caller writes them next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteArrayHeader(uint count)
    {
        if (count <= 15)
        {
            WriteByte((byte)(MessagePackCode.FixArray | count));
        }
        else
        {
            WriteCountHeader(count, MessagePackCode.Array16, MessagePackCode.Array32);
        }
    }

    /// <summary>Starts a map of <paramref name="count"/> key/value pairs; the caller writes them next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteMapHeader(uint count)
    {
        if (count <= 15)
        {
            WriteByte((byte)(MessagePackCode.FixMap | count));
        }
        else
        {
            WriteCountHeader(count, MessagePackCode.Map16, MessagePackCode.Map32);
        }
    }

    /// <summary>Copies already-encoded MessagePack bytes verbatim.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteRaw(ReadOnlySpan<byte> encoded)
    {
        Span<byte> span = Reserve(encoded.Length);
        if (!span.IsEmpty)
        {
            encoded.CopyTo(span);
        }
    }

    private void WriteLengthHeader(int length, byte code8, byte code16, byte code32)
    {
        if (length <= IntegerLimits.ByteMax)
        {
            Span<byte> span = Reserve(2);
            if (!span.IsEmpty)
            {
                span[0] = code8;
                span[1] = (byte)length;
            }
        }
        else
        {
            WriteCountHeader((uint)length, code16, code32);
        }
    }

    private void WriteCountHeader(uint count, byte code16, byte code32)
    {
        if (count <= IntegerLimits.UInt16Max)
        {
            Span<byte> span = Reserve(3);
            if (!span.IsEmpty)
            {
                span[0] = code16;
                BinaryPrimitives.WriteUInt16BigEndian(span.Slice(1), (ushort)count);
            }
        }
        else
        {
            Span<byte> span = Reserve(5);
            if (!span.IsEmpty)
            {
                span[0] = code32;
                BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1), count);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteByte(byte value)
    {
        if (!_overflowed && _position < _buffer.Length)
        {
            _buffer[_position++] = value;
        }
        else
        {
            _overflowed = true;
        }
    }

    /// <summary>
    /// Returns the next <paramref name="count"/> bytes and moves past them, or an empty span and
    /// the overflow flag when they do not fit (a zero-length reservation is never "empty-as-error"
    /// for callers because they only ask for count &gt; 0 or copy nothing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int count)
    {
        if (_overflowed || count > _buffer.Length - _position)
        {
            _overflowed = true;
            return default;
        }

        Span<byte> span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }
}
