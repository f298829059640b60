using System.Runtime.CompilerServices;

namespace System;

/// <summary>Span helpers used as extension methods.</summary>
public static class MemoryExtensions
{
    /// <summary>The array as a span.</summary>
    public static Span<T> AsSpan<T>(this T[] array) => new Span<T>(array);

    /// <summary>Part of the array as a span.</summary>
    public static Span<T> AsSpan<T>(this T[] array, int start, int length) => new Span<T>(array, start, length);

    /// <summary>Byte-wise equality of two spans.</summary>
    /// <remarks>Eight bytes per compare, the last eight overlapping what was already
    /// compared; names (store, klog, start-page peers) are 10-60 bytes, and the byte loop
    /// cost a store get about 7 instructions per byte.</remarks>
    public static bool SequenceEqual(this ReadOnlySpan<byte> span, ReadOnlySpan<byte> other)
    {
        int length = span.Length;
        if (length != other.Length)
        {
            return false;
        }

        ref byte a = ref span._reference;
        ref byte b = ref other._reference;
        if (length >= sizeof(ulong))
        {
            int last = length - sizeof(ulong);
            for (int i = 0; i < last; i += sizeof(ulong))
            {
                if (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, i)) != Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i)))
                {
                    return false;
                }
            }

            return Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, last)) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, last));
        }

        for (int i = 0; i < length; i++)
        {
            if (Unsafe.Add(ref a, i) != Unsafe.Add(ref b, i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Byte-wise equality of two spans.</summary>
    public static bool SequenceEqual(this Span<byte> span, ReadOnlySpan<byte> other) =>
        SequenceEqual((ReadOnlySpan<byte>)span, other);

    /// <summary>Index of the first <paramref name="value"/>, or -1.</summary>
    public static int IndexOf(this ReadOnlySpan<byte> span, byte value)
    {
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}
