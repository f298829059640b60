using System.Runtime.CompilerServices;

namespace System.Buffers.Binary;

/// <summary>Reads and writes integers in a stated byte order.</summary>
/// <remarks>
/// Every member is marked for inlining: these sit on IPC hot paths (headers, MessagePack
/// integers), and ilc's inliner, without profile data, left them as calls (an instruction
/// trace of a typed call/reply showed each costing a call, a frame and a return).
/// ReverseEndianness is also an intrinsic, so the JIT emits a single bswap/movbe.
/// </remarks>
public static class BinaryPrimitives
{
    [Intrinsic]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReverseEndianness(ushort value) => (ushort)((value >> 8) | (value << 8));
    [Intrinsic]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short ReverseEndianness(short value) => (short)ReverseEndianness((ushort)value);
    [Intrinsic]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReverseEndianness(uint value) =>
        (value >> 24) | ((value >> 8) & 0xFF00u) | ((value << 8) & 0xFF0000u) | (value << 24);
    [Intrinsic]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReverseEndianness(int value) => (int)ReverseEndianness((uint)value);
    [Intrinsic]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReverseEndianness(ulong value) =>
        ((ulong)ReverseEndianness((uint)value) << 32) | ReverseEndianness((uint)(value >> 32));
    [Intrinsic]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReverseEndianness(long value) => (long)ReverseEndianness((ulong)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Read<T>(ReadOnlySpan<byte> source) where T : struct
    {
        if ((uint)Unsafe.SizeOf<T>() > (uint)source.Length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException(nameof(source));
        }

        return Unsafe.ReadUnaligned<T>(ref source._reference);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<T>(Span<byte> destination, T value) where T : struct
    {
        if ((uint)Unsafe.SizeOf<T>() > (uint)destination.Length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException(nameof(destination));
        }

        Unsafe.WriteUnaligned(ref destination._reference, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short ReadInt16LittleEndian(ReadOnlySpan<byte> source) => Read<short>(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReadUInt16LittleEndian(ReadOnlySpan<byte> source) => Read<ushort>(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadInt32LittleEndian(ReadOnlySpan<byte> source) => Read<int>(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt32LittleEndian(ReadOnlySpan<byte> source) => Read<uint>(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadInt64LittleEndian(ReadOnlySpan<byte> source) => Read<long>(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt64LittleEndian(ReadOnlySpan<byte> source) => Read<ulong>(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short ReadInt16BigEndian(ReadOnlySpan<byte> source) => ReverseEndianness(Read<short>(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReadUInt16BigEndian(ReadOnlySpan<byte> source) => ReverseEndianness(Read<ushort>(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadInt32BigEndian(ReadOnlySpan<byte> source) => ReverseEndianness(Read<int>(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt32BigEndian(ReadOnlySpan<byte> source) => ReverseEndianness(Read<uint>(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadInt64BigEndian(ReadOnlySpan<byte> source) => ReverseEndianness(Read<long>(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt64BigEndian(ReadOnlySpan<byte> source) => ReverseEndianness(Read<ulong>(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt16LittleEndian(Span<byte> destination, short value) => Write(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt16LittleEndian(Span<byte> destination, ushort value) => Write(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt32LittleEndian(Span<byte> destination, int value) => Write(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt32LittleEndian(Span<byte> destination, uint value) => Write(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt64LittleEndian(Span<byte> destination, long value) => Write(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt64LittleEndian(Span<byte> destination, ulong value) => Write(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt16BigEndian(Span<byte> destination, short value) => Write(destination, ReverseEndianness(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt16BigEndian(Span<byte> destination, ushort value) => Write(destination, ReverseEndianness(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt32BigEndian(Span<byte> destination, int value) => Write(destination, ReverseEndianness(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt32BigEndian(Span<byte> destination, uint value) => Write(destination, ReverseEndianness(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt64BigEndian(Span<byte> destination, long value) => Write(destination, ReverseEndianness(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt64BigEndian(Span<byte> destination, ulong value) => Write(destination, ReverseEndianness(value));
}
