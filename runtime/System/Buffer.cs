using System.Runtime.CompilerServices;

namespace System;

/// <summary>Block copies. Elements are copied as whole words when aligned; there is
/// no GC, so references need no write barrier.</summary>
public static unsafe class Buffer
{
    /// <summary>Copies <paramref name="elementCount"/> elements; the ranges may overlap.</summary>
    internal static void Memmove<T>(ref T destination, ref T source, nuint elementCount)
    {
        SpanHelpers.Memmove(ref Unsafe.As<T, byte>(ref destination), ref Unsafe.As<T, byte>(ref source),
            elementCount * (nuint)Unsafe.SizeOf<T>());
    }

    /// <summary>Copies bytes between unmanaged buffers; the ranges may overlap.</summary>
    public static void MemoryCopy(void* source, void* destination, long destinationSizeInBytes, long sourceBytesToCopy)
    {
        if (sourceBytesToCopy > destinationSizeInBytes)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException(nameof(sourceBytesToCopy));
        }

        SpanHelpers.Memmove(ref *(byte*)destination, ref *(byte*)source, (nuint)sourceBytesToCopy);
    }

    // The compiler calls this name for struct copies that contain references.
    internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint byteCount)
    {
        SpanHelpers.Memmove(ref destination, ref source, byteCount);
    }
}

/// <summary>Byte-level fill, clear and move used by spans, arrays and the compiler.</summary>
internal static unsafe class SpanHelpers
{
    /// <summary>memmove: correct for overlapping ranges in both directions.</summary>
    public static void Memmove(ref byte destination, ref byte source, nuint length)
    {
        byte* dst = (byte*)Unsafe.AsPointer(ref destination);
        byte* src = (byte*)Unsafe.AsPointer(ref source);
        if (dst == src || length == 0)
        {
            return;
        }

        if (length >= 8 && (dst >= src + length || src >= dst + length))
        {
            // Disjoint, 8 bytes or more: words, the last one overlapping what was already
            // copied (so no byte tail; names and log records are rarely a multiple of 8).
            nuint last = length - 8;
            for (nuint k = 0; k < last; k += 8)
            {
                *(ulong*)(dst + k) = *(ulong*)(src + k);
            }

            *(ulong*)(dst + last) = *(ulong*)(src + last);
            return;
        }
        if (dst < src || dst >= src + length)
        {
            // Forward: 8 bytes at a time, then the tail.
            nuint i = 0;
            for (; i + 8 <= length; i += 8)
            {
                *(ulong*)(dst + i) = *(ulong*)(src + i);
            }

            for (; i < length; i++)
            {
                dst[i] = src[i];
            }
        }
        else
        {
            // Backward, so an overlapping destination above the source is not clobbered.
            nuint i = length;
            while (i >= 8)
            {
                i -= 8;
                *(ulong*)(dst + i) = *(ulong*)(src + i);
            }
            while (i > 0)
            {
                i--;
                dst[i] = src[i];
            }
        }
    }

    public static void ClearWithoutReferences(ref byte b, nuint byteLength)
    {
        Fill(ref b, byteLength, 0);
    }

    public static void ClearWithReferences(ref nint ip, nuint pointerSizeLength)
    {
        nint* p = (nint*)Unsafe.AsPointer(ref ip);
        for (nuint i = 0; i < pointerSizeLength; i++)
        {
            p[i] = 0;
        }
    }

    public static void Fill(ref byte destination, nuint length, byte value)
    {
        byte* dst = (byte*)Unsafe.AsPointer(ref destination);
        ulong word = value * 0x0101010101010101UL;
        nuint i = 0;
        for (; i + 8 <= length; i += 8)
        {
            *(ulong*)(dst + i) = word;
        }

        for (; i < length; i++)
        {
            dst[i] = value;
        }
    }

    // Names the compiler uses for initblk/cpblk lowering.
    public static void Fill(ref byte destination, byte value, nuint length) => Fill(ref destination, length, value);
}
