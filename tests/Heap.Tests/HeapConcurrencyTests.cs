using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Xunit;

namespace Microkernel.Memory.Heap.Tests;

/// <summary>
/// Threads play CPUs (one fake CPU id each) on one heap, allocating, writing a thread-unique
/// pattern, passing blocks to each other through a shared mailbox and freeing blocks other
/// threads allocated. A block whose pattern changed while it was live means two live blocks
/// overlapped (or the heap wrote into a live block).
/// </summary>
public unsafe class HeapConcurrencyTests
{
    private const int MailboxSlots = 512;

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 2)]
    [InlineData(3, 3)]
    public void Threads_allocate_and_free_across_cpus_without_overlap(int threads, int seed)
    {
        using var t = new TestHeap(cpus: (uint)threads, fillGarbage: true);
        nuint[] mailbox = new nuint[MailboxSlots];
        long corrupt = 0, notZeroed = 0, badStatus = 0, allocations = 0;
        var budget = Stopwatch.StartNew();
        var workers = new Thread[threads];
        using var start = new Barrier(threads);
        for (int w = 0; w < threads; w++)
        {
            int id = w;
            workers[w] = new Thread(() =>
            {
                FakeCpu.Become((uint)id);
                var rng = new Random((seed * 100) + id);
                var mine = new List<nuint>();
                ulong serial = 0;
                start.SignalAndWait();
                ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
                for (int op = 0; op < 150_000 && budget.ElapsedMilliseconds < 6_000; op++)
                {
                    int r = rng.Next(100);
                    if (r < 50 || mine.Count == 0)
                    {
                        int size = rng.Next(20) == 0 ? rng.Next(2049, 12_000) & ~7 : 16 + (rng.Next(2033) & ~7);
                        ulong* p = (ulong*)heap.Allocate((nuint)size);
                        if (p == null)
                        {
                            Interlocked.Increment(ref badStatus);
                            continue;
                        }

                        Interlocked.Increment(ref allocations);
                        if (!IsZero(p, size))
                        {
                            Interlocked.Increment(ref notZeroed);
                        }

                        ulong token = ((ulong)(id + 1) << 56) | ++serial;
                        Stamp(p, size, token);
                        if (r < 25)
                        {
                            // Post it; free whatever was in the slot (likely another CPU's block).
                            nuint old = Interlocked.Exchange(ref mailbox[rng.Next(MailboxSlots)], (nuint)p);
                            if (old != 0)
                            {
                                Release(ref heap, (ulong*)old, ref corrupt, ref badStatus);
                            }
                        }
                        else
                        {
                            mine.Add((nuint)p);
                        }
                    }
                    else
                    {
                        int i = rng.Next(mine.Count);
                        nuint p = mine[i];
                        mine[i] = mine[^1];
                        mine.RemoveAt(mine.Count - 1);
                        Release(ref heap, (ulong*)p, ref corrupt, ref badStatus);
                    }
                }

                foreach (nuint p in mine)
                {
                    Release(ref heap, (ulong*)p, ref corrupt, ref badStatus);
                }
            });
            workers[w].Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> h = ref t.Heap;
        Assert.Equal(0, Interlocked.Read(ref corrupt));
        Assert.Equal(0, Interlocked.Read(ref notZeroed));
        Assert.Equal(0, Interlocked.Read(ref badStatus));
        Assert.True(allocations > 1000, $"only {allocations} allocations");
        Assert.Equal(0, t.Arena.OverlappingCalls);
        Assert.Equal(0, h.Anomalies);

        // What is left live is exactly what sits in the mailbox.
        long[] objects = new long[HeapLayout.ClassCount];
        long largeObjects = 0, largeBytes = 0, live = 0;
        foreach (nuint p in mailbox)
        {
            if (p == 0)
            {
                continue;
            }

            live++;
            int size = (int)((ulong*)p)[1];
            int c = HeapLayout.ClassOf((nuint)size);
            if (c < 0)
            {
                largeObjects++;
                largeBytes += (long)h.UsableSize((void*)p);
            }
            else
            {
                objects[c]++;
            }
        }

        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            Assert.Equal(objects[c], h.ObjectsInUse(c));
            Assert.Equal(objects[c] * HeapLayout.ClassSize(c), h.BytesInUse(c));
            HeapModelProperties.Conserved(ref h, c);
        }

        Assert.Equal(largeObjects, h.LargeObjectsInUse);
        Assert.Equal(largeBytes, h.LargeBytesInUse);
        Assert.Equal(live, h.TotalObjectsInUse);
        Assert.Equal(t.Arena.PagesOut, h.PagesHeld);

        FakeCpu.Become(0);
        foreach (nuint p in mailbox)
        {
            if (p != 0)
            {
                Release(ref h, (ulong*)p, ref corrupt, ref badStatus);
            }
        }

        Assert.Equal(0, Interlocked.Read(ref corrupt));
        Assert.Equal(0, h.TotalObjectsInUse);
        HeapModelProperties.FlushAll(ref h, (uint)threads);
        h.Trim();
        Assert.Equal(h.MetadataPages, h.PagesHeld);
        Assert.Equal(t.Arena.PagesOut, h.PagesHeld);
        Assert.Equal(0, t.Arena.BadFrees);
    }

    /// <summary>Two CPUs free the same blocks at the same time: each block is freed once and
    /// reported once as a double free (or, for a large block whose pages the loser finds
    /// already returned and overwritten, as foreign).</summary>
    [Fact]
    public void Racing_frees_of_the_same_blocks_free_each_once()
    {
        using var t = new TestHeap(cpus: 2);
        const int Count = 20_000;
        nuint[] blocks = new nuint[Count];
        FakeCpu.Become(0);
        for (int i = 0; i < Count; i++)
        {
            blocks[i] = (nuint)t.Heap.Allocate((nuint)(i % 3 == 0 ? 48 : i % 101 == 0 ? 5000 : 200));
        }

        int[] ok = new int[2];
        int[] twice = new int[2];
        using var start = new Barrier(2);
        var workers = new Thread[2];
        for (int w = 0; w < 2; w++)
        {
            int id = w;
            workers[w] = new Thread(() =>
            {
                FakeCpu.Become((uint)id);
                start.SignalAndWait();
                ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
                for (int i = 0; i < Count; i++)
                {
                    HeapFreeStatus s = heap.Free((void*)blocks[i]);
                    if (s == HeapFreeStatus.Ok)
                    {
                        ok[id]++;
                    }
                    else if (s == HeapFreeStatus.DoubleFree || (s == HeapFreeStatus.Foreign && i % 101 == 0))
                    {
                        twice[id]++;
                    }
                }
            });
            workers[w].Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        Assert.Equal(Count, ok[0] + ok[1]);
        Assert.Equal(Count, twice[0] + twice[1]);
        Assert.Equal(0, t.Heap.TotalObjectsInUse);
        Assert.Equal(0, t.Heap.Anomalies);
        HeapModelProperties.FlushAll(ref t.Heap, 2);
        t.Heap.Trim();
        Assert.Equal(t.Heap.MetadataPages, t.Heap.PagesHeld);
    }

    private static bool IsZero(ulong* p, int size)
    {
        return new ReadOnlySpan<byte>(p, size).IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>Word 0: the token; word 1: the size; the rest: the token again.</summary>
    private static void Stamp(ulong* p, int size, ulong token)
    {
        p[0] = token;
        p[1] = (ulong)size;
        new Span<ulong>(p + 2, (size / 8) - 2).Fill(token);
    }

    private static void Release(ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap, ulong* p, ref long corrupt, ref long badStatus)
    {
        ulong token = p[0];
        int size = (int)p[1];
        if (size < 16 || size > 12_000 || new ReadOnlySpan<ulong>(p + 2, (size / 8) - 2).IndexOfAnyExcept(token) >= 0)
        {
            Interlocked.Increment(ref corrupt);
            return;
        }

        if (heap.Free(p) != HeapFreeStatus.Ok)
        {
            Interlocked.Increment(ref badStatus);
        }
    }
}
