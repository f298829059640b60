using Microkernel.Sync;

namespace Microkernel.Memory
{
    /// <summary>The early kernel heap behind the runtime's allocation hook: a bump
    /// allocator that starts in a 256 KiB arena inside the image (usable before any
    /// memory map exists) and then grows by whole chunks of frames.</summary>
    /// <remarks>Nothing is freed: the kernel allocates at boot and from typed pools later
    /// (DESIGN.md), and a slab heap replaces this one in the memory issue. Invariants:
    /// every block is 16-byte aligned and zeroed; <see cref="UsedBytes"/> counts bytes
    /// handed out including alignment padding.</remarks>
    internal static unsafe class KernelHeap
    {
        private const int ArenaSize = 256 * 1024;
        private const ulong ChunkBytes = 256 * 1024;

        [System.Runtime.CompilerServices.InlineArray(ArenaSize)]
        private struct Arena { private byte _element; }

        private static Arena s_arena;
        private static byte* s_next;
        private static byte* s_limit;
        private static SpinLock s_lock;
        private static delegate*<ulong, ulong> s_takeFrames;

        internal static ulong UsedBytes;
        internal static ulong ReservedBytes;

        /// <summary>Points the heap at its in-image arena.</summary>
        internal static void Initialize()
        {
            s_next = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s_arena);
            s_limit = s_next + ArenaSize;
            ReservedBytes = ArenaSize;
        }

        /// <summary>Lets the heap grow: <paramref name="takeFrames"/>(bytes) returns the
        /// physical (= virtual, identity-mapped) base of that many contiguous bytes, or 0.</summary>
        internal static void EnableGrowth(delegate*<ulong, ulong> takeFrames) => s_takeFrames = takeFrames;

        /// <summary>The runtime's allocation hook: zeroed, 16-byte aligned, or null.</summary>
        internal static void* Allocate(nuint size)
        {
            ulong rounded = ((ulong)size + 15) & ~15UL;
            bool interrupts = s_lock.Acquire();
            if (s_next + rounded > s_limit && !Grow(rounded))
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

        private static bool Grow(ulong atLeast)
        {
            if (s_takeFrames == null) return false;
            ulong bytes = atLeast > ChunkBytes ? (atLeast + 4095) & ~4095UL : ChunkBytes;
            ulong chunk = s_takeFrames(bytes);
            if (chunk == 0) return false;
            // Frames are not zeroed by the frame allocator; the heap promises zeroed memory.
            new System.Span<byte>((void*)chunk, (int)bytes).Clear();
            s_next = (byte*)chunk;
            s_limit = s_next + bytes;
            ReservedBytes += bytes;
            return true;
        }
    }
}
