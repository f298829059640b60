using Microkernel.Sync;

namespace Microkernel.Memory;

/// <summary>The boot heap behind the runtime's allocation hook until frames exist: a
/// bump allocator over a 256 KiB arena inside the image (usable before any memory map
/// exists). Once the frame allocator is up, <see cref="KernelObjectHeap"/> takes over
/// the hook; this arena keeps only what boot allocated before that.</summary>
/// <remarks>Nothing is freed. Invariants: every block is 16-byte aligned and zeroed;
/// <see cref="UsedBytes"/> counts bytes handed out including alignment padding.</remarks>
internal static unsafe class KernelHeap
{
    private const int ArenaSize = 256 * 1024;

    [System.Runtime.CompilerServices.InlineArray(ArenaSize)]
    private struct Arena { private byte _element; }

    private static Arena s_arena;
    private static byte* s_next;
    private static byte* s_limit;
    private static SpinLock s_lock;

    internal static ulong UsedBytes;

    /// <summary>Points the heap at its in-image arena.</summary>
    internal static void Initialize()
    {
        s_next = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s_arena);
        s_limit = s_next + ArenaSize;
    }

    /// <summary>The runtime's allocation hook: zeroed, 16-byte aligned, or null.</summary>
    internal static void* Allocate(nuint size)
    {
        ulong rounded = ((ulong)size + 15) & ~15UL;
        bool interrupts = s_lock.Acquire();
        if (s_next + rounded > s_limit)
        {
            s_lock.Release(interrupts);
            return null;
        }
        byte* block = s_next;
        s_next += rounded;
        UsedBytes += rounded;
        s_lock.Release(interrupts);
        return block;
    }
}
