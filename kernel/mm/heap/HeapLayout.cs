using System.Numerics;
using System.Runtime.CompilerServices;

namespace Microkernel.Memory.Heap;

/// <summary>The heap's fixed geometry: page and slab sizes, the size classes and the limits.</summary>
public static class HeapLayout
{
    /// <summary>Bytes per page the page source hands out.</summary>
    public const int PageSize = 4096;

    /// <summary>Bytes per slab; also the alignment every page-source allocation must have.</summary>
    public const int SlabBytes = 16384;

    /// <summary>Pages per slab.</summary>
    public const int SlabPages = SlabBytes / PageSize;

    /// <summary>Alignment of every block the heap returns.</summary>
    public const int BlockAlignment = 16;

    /// <summary>Bytes in front of a large block (its header); the block itself follows.</summary>
    public const int LargeHeaderBytes = 64;

    /// <summary>Number of size classes.</summary>
    public const int ClassCount = 13;

    /// <summary>The largest size served from a slab; bigger requests get whole pages.</summary>
    public const int MaxSmallSize = 2048;

    /// <summary>Most CPUs the per-CPU caches can be laid out for.</summary>
    public const uint MaxCpus = 256;

    /// <summary>Slots in one per-CPU magazine (the per-class limit may be lower).</summary>
    public const int MagazineSlots = 32;

    /// <summary>Object size of class <paramref name="sizeClass"/> (0 to <see cref="ClassCount"/> - 1):
    /// 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048; 0 for any other index.</summary>
    public static int ClassSize(int sizeClass)
    {
        if ((uint)sizeClass >= ClassCount)
        {
            return 0;
        }

        if (sizeClass < 4)
        {
            return (sizeClass + 1) * 16;
        }

        if (sizeClass == ClassCount - 1)
        {
            return MaxSmallSize;
        }

        // From 4 on the classes alternate 1.5 * 2^k and 2^(k+1): 96, 128, 192, 256, ...
        int k = 6 + ((sizeClass - 4) >> 1);
        return (sizeClass & 1) == 0 ? 3 << (k - 1) : 1 << (k + 1);
    }

    /// <summary>The smallest class whose objects hold <paramref name="size"/> bytes (1 to
    /// <see cref="MaxSmallSize"/>); -1 for 0 or anything larger.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ClassOf(nuint size)
    {
        if (size - 1 >= MaxSmallSize)
        {
            return -1;
        }

        uint s = (uint)size;
        if (s <= 64)
        {
            return (int)((s + 15) >> 4) - 1;
        }

        if (s > 1024)
        {
            return ClassCount - 1;
        }

        // 2^k < s <= 2^(k+1), k from 6 to 9: the class is 1.5 * 2^k or 2^(k+1).
        int k = BitOperations.Log2(s - 1);
        return 4 + (2 * (k - 6)) + (s > (3u << (k - 1)) ? 1 : 0);
    }
}
