using Microkernel.Boot;
using Microkernel.Memory;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>The frame allocator on real RAM, the normalised memory map, the heap.</summary>
internal static unsafe class MemoryTests
{
    internal static void Register()
    {
        TestRegistry.Add("mm/frames-distinct-and-usable", &FramesDistinct);
        TestRegistry.Add("mm/frames-free-restores-accounting", &FreeRestores);
        TestRegistry.Add("mm/frames-contiguous-aligned", &Contiguous);
        TestRegistry.Add("mm/map-sorted-and-reserves-kernel", &MapShape);
        TestRegistry.Add("mm/heap-grows-from-frames", &HeapGrows);
        TestRegistry.Add("mm/object-heap-free-and-reuse", &HeapFreeReuse);
    }

    private const int Count = 64;

    private static void FramesDistinct(ref TestResult t)
    {
        ulong* frames = stackalloc ulong[Count];
        ulong freeBefore = PhysicalMemory.Frames.FreeFrames;
        for (int i = 0; i < Count; i++)
        {
            True(ref t, PhysicalMemory.Frames.TryAllocate(out frames[i]), "allocation succeeds"u8);
            Equal(ref t, 0UL, frames[i] % 4096, "frame is page aligned"u8);
            // Write a pattern over the whole frame: it must be real, writable RAM.
            ulong* words = (ulong*)frames[i];
            for (int w = 0; w < 512; w++)
            {
                words[w] = frames[i] ^ (ulong)w;
            }
        }
        Equal(ref t, freeBefore - Count, PhysicalMemory.Frames.FreeFrames, "free count drops by the allocations"u8);
        for (int i = 0; i < Count; i++)
        {
            ulong* words = (ulong*)frames[i];
            // A frame handed out twice would have been overwritten by its twin.
            True(ref t, words[0] == frames[i] && words[511] == (frames[i] ^ 511), "frame kept its own pattern"u8);
            for (int j = 0; j < i; j++)
            {
                True(ref t, frames[j] != frames[i], "frames are distinct"u8);
            }

            True(ref t, frames[i] >= KernelImageEnd() || frames[i] + 4096 <= Diagnostics.KernelImage.Start, "frame is outside the kernel image"u8);
        }
        for (int i = 0; i < Count; i++)
        {
            PhysicalMemory.Frames.Free(frames[i]);
        }
    }

    private static ulong KernelImageEnd() => Diagnostics.KernelImage.End;

    private static void FreeRestores(ref TestResult t)
    {
        ulong before = PhysicalMemory.Frames.FreeFrames;
        True(ref t, PhysicalMemory.Frames.TryAllocate(out ulong frame), "allocate"u8);
        Equal(ref t, (long)FrameFreeStatus.Ok, (long)PhysicalMemory.Frames.Free(frame), "free"u8);
        Equal(ref t, before, PhysicalMemory.Frames.FreeFrames, "accounting restored"u8);
        Equal(ref t, (long)FrameFreeStatus.NotAllocated, (long)PhysicalMemory.Frames.Free(frame), "double free is reported"u8);
        Equal(ref t, (long)FrameFreeStatus.NotAligned, (long)PhysicalMemory.Frames.Free(frame + 8), "unaligned free is reported"u8);
        Equal(ref t, before, PhysicalMemory.Frames.FreeFrames, "bad frees change nothing"u8);
    }

    private static void Contiguous(ref TestResult t)
    {
        True(ref t, PhysicalMemory.Frames.TryAllocateContiguous(16, 16, out ulong run), "16 contiguous frames"u8);
        Equal(ref t, 0UL, run % (16 * 4096), "aligned to 64 KiB"u8);
        for (ulong f = 0; f < 16; f++)
        {
            False(ref t, PhysicalMemory.Frames.IsFree(run + f * 4096), "every frame of the run is taken"u8);
        }

        for (ulong f = 0; f < 16; f++)
        {
            PhysicalMemory.Frames.Free(run + f * 4096);
        }

        True(ref t, PhysicalMemory.Frames.IsFree(run), "freed again"u8);
    }

    private static void MapShape(ref TestResult t)
    {
        System.ReadOnlySpan<MemoryRegion> map = PhysicalMemory.Map;
        True(ref t, map.Length > 0, "the map has regions"u8);
        bool kernelCovered = false;
        for (int i = 0; i < map.Length; i++)
        {
            if (i > 0)
            {
                True(ref t, map[i - 1].End <= map[i].Base, "sorted and non-overlapping"u8);
            }

            if (map[i].Kind == MemoryKind.Usable)
            {
                Equal(ref t, 0UL, map[i].Base % 4096, "usable regions start on a page"u8);
                True(ref t, map[i].Base >= 0x100000, "nothing below 1 MiB is usable"u8);
                False(ref t, map[i].Base < Diagnostics.KernelImage.End && map[i].End > Diagnostics.KernelImage.Start, "the kernel image is never usable"u8);
            }
            if (map[i].Kind == MemoryKind.KernelImage && map[i].Base <= Diagnostics.KernelImage.Start)
            {
                kernelCovered = true;
            }
        }
        True(ref t, kernelCovered, "the kernel image is in the map"u8);
        True(ref t, MemoryMapBuilder.UsableBytes(map) > 8UL * 1024 * 1024, "more than 8 MiB usable"u8);
    }

    private static void HeapGrows(ref TestResult t)
    {
        True(ref t, KernelObjectHeap.IsReady, "the slab heap serves allocations"u8);
        long pagesBefore = KernelObjectHeap.PagesHeld;
        ulong freeBefore = PhysicalMemory.Frames.FreeFrames;
        byte[] big = new byte[300 * 1024];
        Equal(ref t, 300 * 1024, big.Length, "large array allocated"u8);
        big[big.Length - 1] = 1;
        True(ref t, KernelObjectHeap.PagesHeld > pagesBefore, "the heap took more pages"u8);
        True(ref t, PhysicalMemory.Frames.FreeFrames < freeBefore, "from the frame allocator"u8);
        long sum = 0;
        for (int i = 0; i < big.Length - 1; i += 4096)
        {
            sum += big[i];
        }

        Equal(ref t, 0, sum, "grown memory is zeroed"u8);
    }

    private static void HeapFreeReuse(ref TestResult t)
    {
        long before = KernelObjectHeap.BytesInUse;
        void* a = KernelObjectHeap.Allocate(100);
        True(ref t, a != null && ((ulong)a & 15) == 0, "a 16-byte aligned block"u8);
        True(ref t, KernelObjectHeap.BytesInUse > before, "accounted"u8);
        *(byte*)a = 5;
        Equal(ref t, (long)Memory.Heap.HeapFreeStatus.Ok, (long)KernelObjectHeap.Free(a), "free"u8);
        Equal(ref t, (long)Memory.Heap.HeapFreeStatus.DoubleFree, (long)KernelObjectHeap.Free(a), "double free is reported"u8);
        Equal(ref t, before, KernelObjectHeap.BytesInUse, "accounting restored"u8);
        void* b = KernelObjectHeap.Allocate(100);
        Equal(ref t, (ulong)a, (ulong)b, "the freed block is reused first (per-CPU cache)"u8);
        Equal(ref t, 0, *(byte*)b, "and comes back zeroed"u8);
        KernelObjectHeap.Free(b);
    }
}
