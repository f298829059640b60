using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Tests;
using Xunit;

namespace Microkernel.Memory.Heap.Tests;

/// <summary>
/// Random operation sequences against a model of the live blocks, on a heap with two CPU caches
/// played by one thread (each operation names its CPU; CPU 2 is out of range and takes the
/// uncached path), so blocks are freed on other CPUs than they were allocated on.
/// </summary>
public unsafe class HeapModelProperties
{
    public enum OpKind { Allocate, Free, DoubleFree, FreeInterior, FreeForeign, FreeForgedHeader, Trim, Flush }

    public readonly record struct Op(OpKind Kind, int Size, int Pick, uint Cpu);

    private sealed record Live(nuint Address, nuint Requested, nuint Usable, byte Pattern);

    private static readonly Gen<int> s_sizes = Gen.Frequency(
        (6, Gen.Choose(0, 64)),
        (10, Gen.Choose(65, 512)),
        (6, Gen.Choose(513, HeapLayout.MaxSmallSize)),
        (3, Gen.Choose(HeapLayout.MaxSmallSize + 1, 40_000)),
        (1, Gen.Elements(1, 16, 17, 2048, 2049, 4032, 4033, 16320, 16321)));

    private static readonly Gen<Op> s_opGen =
        from kind in Gen.Frequency(
            (40, Gen.Constant(OpKind.Allocate)),
            (30, Gen.Constant(OpKind.Free)),
            (6, Gen.Constant(OpKind.DoubleFree)),
            (4, Gen.Constant(OpKind.FreeInterior)),
            (3, Gen.Constant(OpKind.FreeForeign)),
            (2, Gen.Constant(OpKind.FreeForgedHeader)),
            (3, Gen.Constant(OpKind.Trim)),
            (2, Gen.Constant(OpKind.Flush)))
        from size in s_sizes
        from pick in Gen.Choose(0, int.MaxValue)
        from cpu in Gen.Frequency((10, Gen.Constant(0u)), (8, Gen.Constant(1u)), (2, Gen.Constant(2u)))
        select new Op(kind, size, pick, cpu);

    private static readonly Gen<Op[]> s_sequences =
        from n in Gen.Choose(1, 160)
        from ops in Gen.ArrayOf(s_opGen, n)
        select ops;

    [Fact]
    public void Random_sequences_match_the_model() => PropertyCheck.ForAll(s_sequences, Run);

    /// <summary>Long allocation bursts push classes over several slabs and through magazine
    /// refills and flushes; then everything is freed and trimmed.</summary>
    [Fact]
    public void Bursts_fill_many_slabs_then_trim_to_nothing() => PropertyCheck.ForAll(
        from n in Gen.Choose(100, 1200)
        from size in Gen.Choose(1, HeapLayout.MaxSmallSize)
        from seed in Gen.Choose(0, int.MaxValue)
        select (n, size, seed),
        t => RunBurst(t.n, t.size, t.seed),
        cases: PropertyCheck.Cases);

    private static void RunBurst(int n, int size, int seed)
    {
        using var t = new TestHeap(cpus: 2);
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
        var rng = new Random(seed);
        var blocks = new List<nuint>();
        for (int i = 0; i < n; i++)
        {
            FakeCpu.Become((uint)rng.Next(3));
            byte* p = (byte*)heap.Allocate((nuint)size);
            Assert.True(p != null);
            blocks.Add((nuint)p);
        }

        int c = HeapLayout.ClassOf((nuint)size);
        Assert.Equal(n, heap.ObjectsInUse(c));
        Assert.Equal(n, blocks.Distinct().Count());
        Conserved(ref heap, c);

        foreach (nuint b in blocks.OrderBy(_ => rng.Next()))
        {
            FakeCpu.Become((uint)rng.Next(3));
            Assert.Equal(HeapFreeStatus.Ok, heap.Free((void*)b));
        }

        Assert.Equal(0, heap.ObjectsInUse(c));
        FlushAll(ref heap, 2);
        heap.Trim();
        Assert.Equal(0, heap.SlabsHeld(c));
        Assert.Equal(heap.MetadataPages, heap.PagesHeld);
        Assert.Equal(t.Arena.PagesOut, heap.PagesHeld);
        Assert.Equal(0, t.Arena.BadFrees);
        Assert.Equal(0, heap.Anomalies);
    }

    private static void Run(Op[] ops)
    {
        using var t = new TestHeap(cpus: 2);
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref t.Heap;
        var live = new List<Live>();
        var freed = new List<nuint>();
        byte* foreign = (byte*)NativeMemory.AlignedAlloc(2 * HeapLayout.SlabBytes, HeapLayout.SlabBytes);
        try
        {
            new Span<byte>(foreign, 2 * HeapLayout.SlabBytes).Fill(0x3C);
            byte pattern = 1;
            foreach (Op op in ops)
            {
                FakeCpu.Become(op.Cpu);
                switch (op.Kind)
                {
                    case OpKind.Allocate:
                        Allocate(ref heap, live, freed, (nuint)op.Size, pattern++);
                        if (pattern == 0)
                        {
                            pattern = 1;
                        }

                        break;

                    case OpKind.Free when live.Count > 0:
                        {
                            int i = op.Pick % live.Count;
                            Live b = live[i];
                            Verify(b);
                            Assert.Equal(HeapFreeStatus.Ok, heap.Free((void*)b.Address));
                            Assert.Equal(0u, (uint)heap.UsableSize((void*)b.Address));
                            live.RemoveAt(i);
                            freed.Add(b.Address);
                            break;
                        }

                    case OpKind.DoubleFree when freed.Count > 0:
                        {
                            nuint p = freed[op.Pick % freed.Count];
                            HeapFreeStatus status = heap.Free((void*)p);
                            // A block whose slab was trimmed is still reported, as foreign once
                            // the page source has taken the memory back.
                            Assert.True(status is HeapFreeStatus.DoubleFree or HeapFreeStatus.Foreign, status.ToString());
                            break;
                        }

                    case OpKind.FreeInterior when live.Count > 0:
                        {
                            Live b = live[op.Pick % live.Count];
                            nuint offset = (nuint)(1 + (op.Pick % (int)Math.Min(b.Usable - 1, 4096)));
                            Assert.Equal(HeapFreeStatus.NotBlockStart, heap.Free((void*)(b.Address + offset)));
                            // A pointer into the header in front of the block.
                            nuint header = b.Address & ~(nuint)(HeapLayout.SlabBytes - 1);
                            Assert.Equal(HeapFreeStatus.NotBlockStart, heap.Free((void*)(header + 16)));
                            Assert.Equal(0u, (uint)heap.UsableSize((void*)(b.Address + offset)));
                            break;
                        }

                    case OpKind.FreeForeign:
                        {
                            byte* p = foreign + (16 * (op.Pick % (2 * HeapLayout.SlabBytes / 16)));
                            Assert.Equal(HeapFreeStatus.Foreign, heap.Free(p));
                            Assert.Equal(0u, (uint)heap.UsableSize(p));
                            break;
                        }

                    case OpKind.FreeForgedHeader when live.Count > 0:
                        {
                            // A byte-for-byte copy of a real header (bitmap included) somewhere else.
                            Live b = live[op.Pick % live.Count];
                            nuint header = b.Address & ~(nuint)(HeapLayout.SlabBytes - 1);
                            new Span<byte>((void*)header, 1024).CopyTo(new Span<byte>(foreign + HeapLayout.SlabBytes, 1024));
                            byte* copy = foreign + HeapLayout.SlabBytes + (b.Address - header);
                            Assert.Equal(HeapFreeStatus.Foreign, heap.Free(copy));
                            new Span<byte>(foreign, 2 * HeapLayout.SlabBytes).Fill(0x3C);
                            break;
                        }

                    case OpKind.Trim:
                        FlushAll(ref heap, 2);
                        heap.Trim();
                        CheckTrimmed(ref heap, live);
                        break;

                    case OpKind.Flush:
                        {
                            long before = TotalCached(ref heap);
                            heap.FlushCpuCache();
                            long after = TotalCached(ref heap);
                            Assert.True(after <= before);
                            break;
                        }
                }

                CheckAccounting(ref heap, t.Arena, live);
            }

            // Free the rest; with every cache flushed, trimming leaves only the metadata.
            foreach (Live b in live)
            {
                Verify(b);
                Assert.Equal(HeapFreeStatus.Ok, heap.Free((void*)b.Address));
            }

            live.Clear();
            CheckAccounting(ref heap, t.Arena, live);
            FlushAll(ref heap, 2);
            heap.Trim();
            Assert.Equal(heap.MetadataPages, heap.PagesHeld);
            Assert.Equal(t.Arena.PagesOut, heap.PagesHeld);
            Assert.Equal(0, t.Arena.BadFrees);
        }
        finally
        {
            NativeMemory.AlignedFree(foreign);
        }
    }

    private static long TotalCached(ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap)
    {
        long sum = 0;
        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            sum += heap.ObjectsCached(c);
        }

        return sum;
    }

    private static void Allocate(ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap, List<Live> live, List<nuint> freed, nuint size, byte pattern)
    {
        byte* p = (byte*)heap.Allocate(size);
        Assert.True(p != null, "allocation failed with an unlimited page source");
        nuint address = (nuint)p;
        Assert.Equal(0u, (uint)(address % 16));
        nuint usable = heap.UsableSize(p);
        Assert.True(usable >= Math.Max(size, 1), $"usable {usable} < requested {size}");
        int c = HeapLayout.ClassOf(size == 0 ? 1 : size);
        nuint expected = c >= 0
            ? (nuint)HeapLayout.ClassSize(c)
            : (((size + HeapLayout.LargeHeaderBytes + HeapLayout.PageSize - 1) / HeapLayout.PageSize) * HeapLayout.PageSize) - HeapLayout.LargeHeaderBytes;
        Assert.Equal(expected, usable);
        var bytes = new Span<byte>(p, (int)usable);
        Assert.True(bytes.IndexOfAnyExcept((byte)0) < 0, "block not zeroed");
        foreach (Live other in live)
        {
            bool disjoint = address + usable <= other.Address || other.Address + other.Usable <= address;
            Assert.True(disjoint, $"block {address:x}+{usable} overlaps live {other.Address:x}+{other.Usable}");
        }

        bytes.Fill(pattern);
        live.Add(new Live(address, size, usable, pattern));
        freed.Remove(address);
    }

    private static void Verify(Live b)
    {
        var bytes = new ReadOnlySpan<byte>((void*)b.Address, (int)b.Usable);
        Assert.True(bytes.IndexOfAnyExcept(b.Pattern) < 0, $"block {b.Address:x} was overwritten");
    }

    private static void CheckAccounting(ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap, HostPageArena arena, List<Live> live)
    {
        long largeObjects = 0, largeBytes = 0;
        long[] objects = new long[HeapLayout.ClassCount];
        foreach (Live b in live)
        {
            int c = HeapLayout.ClassOf(b.Requested == 0 ? 1 : b.Requested);
            if (c < 0)
            {
                largeObjects++;
                largeBytes += (long)b.Usable;
            }
            else
            {
                objects[c]++;
            }
        }

        long totalBytes = largeBytes;
        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            Assert.Equal(objects[c], heap.ObjectsInUse(c));
            Assert.Equal(objects[c] * HeapLayout.ClassSize(c), heap.BytesInUse(c));
            Conserved(ref heap, c);
            totalBytes += objects[c] * HeapLayout.ClassSize(c);
        }

        Assert.Equal(largeObjects, heap.LargeObjectsInUse);
        Assert.Equal(largeBytes, heap.LargeBytesInUse);
        Assert.Equal(live.Count, heap.TotalObjectsInUse);
        Assert.Equal(totalBytes, heap.TotalBytesInUse);
        long slabs = 0;
        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            slabs += heap.SlabsHeld(c);
        }

        Assert.Equal(slabs * HeapLayout.SlabPages, heap.SlabPagesHeld);
        Assert.Equal(arena.PagesOut, heap.PagesHeld);
        Assert.Equal(arena.RunsOut, slabs + largeObjects + 1);
        Assert.Equal(0, heap.Anomalies);
        Assert.Equal(0, arena.BadFrees);
    }

    /// <summary>Every object of a class's slabs is in use, cached or free in its slab.</summary>
    internal static void Conserved(ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap, int c)
    {
        Assert.Equal(
            heap.SlabsHeld(c) * heap.ObjectsPerSlab(c),
            heap.ObjectsInUse(c) + heap.ObjectsCached(c) + heap.ObjectsFreeInSlabs(c));
    }

    /// <summary>After flushing every cache and trimming, a class holds exactly the slabs its
    /// live blocks are in.</summary>
    private static void CheckTrimmed(ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap, List<Live> live)
    {
        for (int c = 0; c < HeapLayout.ClassCount; c++)
        {
            int cls = c;
            long slabs = live
                .Where(b => HeapLayout.ClassOf(b.Requested == 0 ? 1 : b.Requested) == cls)
                .Select(b => b.Address & ~(nuint)(HeapLayout.SlabBytes - 1))
                .Distinct()
                .Count();
            Assert.Equal(slabs, heap.SlabsHeld(c));
            Assert.Equal(0, heap.ObjectsCached(c));
        }
    }

    internal static void FlushAll(ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap, uint cpus)
    {
        for (uint cpu = 0; cpu < cpus; cpu++)
        {
            FakeCpu.Become(cpu);
            heap.FlushCpuCache();
        }

        FakeCpu.Become(0);
    }
}
