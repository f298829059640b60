using System.Runtime.InteropServices;

namespace Microkernel.Memory.Heap;

/// <summary>The first 64 bytes of every slab and of every large block. Found from any block
/// pointer by masking with <see cref="HeapLayout.SlabBytes"/> - 1.</summary>
/// <remarks>For a slab, a bitmap of live objects (one bit per object, set = handed out and not
/// yet freed) follows the header, then the objects from the class's data offset. The bitmap
/// words are changed only with compare-and-swap (any CPU may free any object); every other
/// field of a slab header only under its class lock. For a large block the user's memory
/// starts right after the header.</remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SlabHeader
{
    /// <summary><see cref="HeapMetadata.BlockMagic"/> XOR the header's own address, so a copy
    /// of a header somewhere else does not pass for one.</summary>
    public nuint Check;

    /// <summary>The heap's control block: a block of another heap is foreign.</summary>
    public void* Owner;

    /// <summary>Slab: first object of the free list (each free object's first word links the next).</summary>
    public void* FreeList;

    /// <summary>Slab: neighbours in the class's list of slabs that have free objects.</summary>
    public SlabHeader* Prev;

    /// <summary>Slab: see <see cref="Prev"/>.</summary>
    public SlabHeader* Next;

    /// <summary>Large: pages held, header included.</summary>
    public nuint LargePages;

    /// <summary>Large: <see cref="HeapMetadata.LargeLive"/> or <see cref="HeapMetadata.LargeFreed"/> (changed by CAS).</summary>
    public int LargeState;

    /// <summary><see cref="HeapMetadata.KindSlab"/> or <see cref="HeapMetadata.KindLarge"/>.</summary>
    public ushort Kind;

    /// <summary>Slab: its size class.</summary>
    public ushort SizeClass;

    /// <summary>Slab: objects in the free list plus objects never handed out.</summary>
    public uint FreeCount;

    /// <summary>Slab: objects at index &gt;= Bump have never been handed out (carved lazily).</summary>
    public uint Bump;
}

/// <summary>Per-class constants, computed at initialization and read-only afterwards.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ClassInfo
{
    public uint Size;
    public uint Capacity;      // objects per slab
    public uint DataOffset;    // first object's offset in the slab
    public uint Reciprocal;    // ceil(2^32 / Size): offset / Size == (offset * Reciprocal) >> 32 below 2^14
    public int CacheLimit;     // magazine fill limit
    public int Batch;          // objects moved per refill or flush
    public uint BitmapWords;
    public uint Padding;
}

/// <summary>A class's global pool: the slabs with free objects, under <see cref="Lock"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ClassPool<TLock>
    where TLock : unmanaged
{
    public TLock Lock;
    public SlabHeader* Head;   // slabs with free objects; fully free ones are moved to the tail
    public SlabHeader* Tail;
    public long Slabs;
    public long FreeInSlabs;   // sum of FreeCount over the class's slabs
    public long DirectInUse;   // objects in use allocated or freed without a CPU cache
}

/// <summary>One CPU's cache for one class. Touched only by its CPU (see <see cref="ICpuContext"/>).</summary>
/// <remarks><see cref="HeapLayout.MagazineSlots"/> pointers follow the header.</remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct Magazine
{
    public int Count;
    public int Padding;
    public long InUse;         // allocations minus frees made on this CPU; the sum over CPUs is exact
}

/// <summary>The heap's own state; the pools and per-CPU caches follow it in the same storage.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HeapControl<TLock>
    where TLock : unmanaged
{
    public nuint Check;
    public uint CpuCount;
    public uint MetadataPages;     // taken from the page source; 0 for caller storage
    public long SlabPages;         // under PageLock
    public long LargePages;        // under PageLock
    public long LargeObjects;      // under PageLock
    public long LargeBytes;        // under PageLock
    public long Anomalies;         // internal inconsistencies survived (atomic)
    public TLock PageLock;
}

/// <summary>Constants and offsets of the metadata layout.</summary>
internal static unsafe class HeapMetadata
{
    // Not consts: a 64-bit nuint constant is not a compile-time constant (nuint may be 32 bits).
    public static nuint BlockMagic => unchecked((nuint)0x534C_4142_4845_4150UL); // "SLABHEAP"

    public static nuint ControlMagic => unchecked((nuint)0x4845_4150_4354_524CUL);
    public const ushort KindSlab = 1;
    public const ushort KindLarge = 2;
    public const int LargeLive = 1;
    public const int LargeFreed = 2;
    public const int CacheLine = 64;

    public static nuint RoundUp(nuint value, nuint to) => (value + to - 1) & ~(to - 1);

    public static nuint MagazineBytes => (nuint)(sizeof(Magazine) + (HeapLayout.MagazineSlots * sizeof(nuint)));

    public static nuint CpuStride => RoundUp(MagazineBytes * HeapLayout.ClassCount, CacheLine);

    public static nuint PoolStride<TLock>()
        where TLock : unmanaged => RoundUp((nuint)sizeof(ClassPool<TLock>), CacheLine);

    public static nuint InfoOffset<TLock>()
        where TLock : unmanaged => RoundUp((nuint)sizeof(HeapControl<TLock>), CacheLine);

    public static nuint PoolOffset<TLock>()
        where TLock : unmanaged => InfoOffset<TLock>() + RoundUp((nuint)(sizeof(ClassInfo) * HeapLayout.ClassCount), CacheLine);

    public static nuint CpuOffset<TLock>()
        where TLock : unmanaged => PoolOffset<TLock>() + (PoolStride<TLock>() * HeapLayout.ClassCount);
}
