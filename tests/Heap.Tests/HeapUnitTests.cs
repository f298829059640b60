using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Xunit;

namespace Microkernel.Memory.Heap.Tests;

public unsafe class HeapUnitTests
{
    [Fact]
    public void Initialize_rejects_bad_cpu_counts_and_storage()
    {
        using var arena = new HostPageArena();
        SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = default;
        Assert.False(heap.IsInitialized);
        Assert.True(heap.Allocate(16) == null);
        Assert.True(heap.Allocate(100_000) == null);
        Assert.Equal(HeapInitStatus.InvalidCpuCount, heap.Initialize(new HostPages(arena), default, 0));
        Assert.Equal(HeapInitStatus.InvalidCpuCount, heap.Initialize(new HostPages(arena), default, HeapLayout.MaxCpus + 1));

        nuint bytes = SlabHeap<HostPages, FakeCpu, HostSpinLock>.MetadataBytes(4);
        byte* storage = (byte*)NativeMemory.AlignedAlloc(bytes + 64, 64);
        try
        {
            Assert.Equal(HeapInitStatus.StorageTooSmall, heap.Initialize(new HostPages(arena), default, 4, storage, bytes - 1));
            Assert.Equal(HeapInitStatus.StorageMisaligned, heap.Initialize(new HostPages(arena), default, 4, storage + 8, bytes));
            Assert.False(heap.IsInitialized);
            Assert.Equal(HeapInitStatus.Ok, heap.Initialize(new HostPages(arena), default, 4, storage, bytes));
            Assert.Equal(0, heap.MetadataPages);
            FakeCpu.Become(3);
            void* p = heap.Allocate(40);
            Assert.True(p != null);
            Assert.Equal((nuint)48, heap.UsableSize(p));
            Assert.Equal(HeapFreeStatus.Ok, heap.Free(p));
            FakeCpu.Become(0);
        }
        finally
        {
            NativeMemory.AlignedFree(storage);
        }
    }

    [Fact]
    public void Metadata_from_the_page_source_is_counted_and_small()
    {
        using var t = new TestHeap(cpus: 64);
        Assert.Equal(t.Arena.PagesOut, t.Heap.MetadataPages);
        Assert.Equal(t.Heap.MetadataPages, t.Heap.PagesHeld);
        // 64 CPUs x 13 classes x 32-slot magazines, plus pools: a little over 56 pages.
        Assert.InRange(t.Heap.MetadataPages, 1, 64);
    }

    [Fact]
    public void Initialize_fails_cleanly_when_the_source_is_empty()
    {
        using var arena = new HostPageArena(pageLimit: 0);
        SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = default;
        Assert.Equal(HeapInitStatus.OutOfMemory, heap.Initialize(new HostPages(arena), default, 1));
        Assert.False(heap.IsInitialized);
    }

    [Fact]
    public void Null_and_uninitialized_frees_are_reported()
    {
        SlabHeap<HostPages, FakeCpu, HostSpinLock> empty = default;
        byte* buffer = (byte*)NativeMemory.AlignedAlloc(HeapLayout.SlabBytes, HeapLayout.SlabBytes);
        try
        {
            Assert.Equal(HeapFreeStatus.Foreign, empty.Free(buffer + 64));
            Assert.Equal((nuint)0, empty.UsableSize(buffer + 64));
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }

        using var t = new TestHeap();
        Assert.Equal(HeapFreeStatus.NullPointer, t.Heap.Free(null));
        Assert.Equal((nuint)0, t.Heap.UsableSize(null));
    }

    [Fact]
    public void Exhaustion_returns_null_and_everything_comes_back()
    {
        using var t = new TestHeap(cpus: 1, pageLimit: 64);
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
        var blocks = new List<nuint>();
        int[] sizes = { 24, 300, 1000, 5000, 2048, 16 };
        int failures = 0;
        for (int i = 0; failures < 50 && i < 100_000; i++)
        {
            void* p = heap.Allocate((nuint)sizes[i % sizes.Length]);
            if (p == null)
            {
                failures++;
                continue;
            }

            blocks.Add((nuint)p);
        }

        Assert.Equal(50, failures);
        Assert.True(t.Arena.PagesOut <= 64);
        Assert.Equal(t.Arena.PagesOut, heap.PagesHeld);
        Assert.Equal(blocks.Count, heap.TotalObjectsInUse);
        foreach (nuint b in blocks)
        {
            Assert.Equal(HeapFreeStatus.Ok, heap.Free((void*)b));
        }

        Assert.Equal(0, heap.TotalObjectsInUse);
        Assert.Equal(0, heap.TotalBytesInUse);
        nuint released = heap.Trim();
        Assert.True(released > 0);
        Assert.Equal(heap.MetadataPages, heap.PagesHeld);
        Assert.Equal(heap.MetadataPages, t.Arena.PagesOut);
        Assert.Equal(0, t.Arena.BadFrees);

        // And the heap works again afterwards.
        void* again = heap.Allocate(5000);
        Assert.True(again != null);
        Assert.Equal(HeapFreeStatus.Ok, heap.Free(again));
    }

    [Fact]
    public void A_misaligned_page_source_is_refused_not_trusted()
    {
        using var t = new TestHeap();
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
        long before = t.Arena.PagesOut;
        t.Arena.Misalign = true;
        Assert.True(heap.Allocate(64) == null);
        Assert.True(heap.Allocate(10_000) == null);
        Assert.Equal(2, heap.Anomalies);
        Assert.Equal(before, t.Arena.PagesOut);
        Assert.Equal(heap.MetadataPages, heap.PagesHeld);
        Assert.Equal(0, heap.TotalObjectsInUse);
        Assert.Equal(0, t.Arena.BadFrees);
    }

    [Fact]
    public void Large_double_free_and_interior_pointers_are_reported()
    {
        using var t = new TestHeap();
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
        byte* p = (byte*)heap.Allocate(100_000);
        Assert.True(p != null);
        Assert.Equal((nuint)(25 * 4096 - 64), heap.UsableSize(p));
        Assert.Equal(1, heap.LargeObjectsInUse);
        Assert.Equal(25, heap.LargePagesHeld);
        Assert.Equal(HeapFreeStatus.NotBlockStart, heap.Free(p + 16));
        Assert.Equal(HeapFreeStatus.Ok, heap.Free(p));
        // The pages went back to the source (which overwrote them): reported, nothing changes.
        Assert.Equal(HeapFreeStatus.Foreign, heap.Free(p));
        Assert.Equal(0, heap.LargeObjectsInUse);
        Assert.Equal(0, heap.LargePagesHeld);
        Assert.Equal(0, t.Arena.BadFrees);
    }

    [Fact]
    public void Blocks_of_another_heap_are_foreign()
    {
        using var a = new TestHeap();
        using var b = new TestHeap();
        void* small = a.Heap.Allocate(64);
        void* large = a.Heap.Allocate(9000);
        Assert.Equal(HeapFreeStatus.Foreign, b.Heap.Free(small));
        Assert.Equal(HeapFreeStatus.Foreign, b.Heap.Free(large));
        Assert.Equal((nuint)0, b.Heap.UsableSize(small));
        Assert.Equal(HeapFreeStatus.Ok, a.Heap.Free(small));
        Assert.Equal(HeapFreeStatus.Ok, a.Heap.Free(large));
    }

    [Fact]
    public void Reused_memory_is_zeroed_again()
    {
        using var t = new TestHeap();
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
        for (int round = 0; round < 3; round++)
        {
            var blocks = new List<nuint>();
            for (int i = 0; i < 300; i++)
            {
                byte* p = (byte*)heap.Allocate(200);
                Assert.True(new Span<byte>(p, 256).IndexOfAnyExcept((byte)0) < 0);
                new Span<byte>(p, 256).Fill(0xFF);
                blocks.Add((nuint)p);
            }

            foreach (nuint b in blocks)
            {
                Assert.Equal(HeapFreeStatus.Ok, heap.Free((void*)b));
            }
        }
    }
}
