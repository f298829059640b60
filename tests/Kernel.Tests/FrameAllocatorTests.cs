using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Boot;
using Microkernel.Memory;
using Xunit;

namespace Microkernel.Tests;

public unsafe class FrameAllocatorTests
{
    private const ulong Page = FrameAllocator.FrameSize;

    /// <summary>Owns pinned bitmap memory for the allocator's lifetime, as the kernel's
    /// identity-mapped physical memory would.</summary>
    private sealed class Harness
    {
        public readonly ulong[] Bitmap;
        public FrameAllocator Allocator;
        public readonly FrameInitStatus Status;

        public Harness(MemoryRegion[] map, ulong? words = null)
        {
            Bitmap = GC.AllocateArray<ulong>((int)Math.Max(1, words ?? FrameAllocator.BitmapWordsFor(FrameAllocator.FramesToCover(map))), pinned: true);
            Array.Fill(Bitmap, 0xA5A5A5A5A5A5A5A5UL); // garbage: Initialize must not rely on zeroed memory
            fixed (ulong* p = Bitmap)
            {
                Status = Allocator.Initialize(p, words ?? (ulong)Bitmap.Length, map);
            }
        }
    }

    private static MemoryRegion[] Normalize(MemoryRegion[] raw, params MemoryRegion[] reservations)
    {
        var destination = new MemoryRegion[256];
        Assert.Equal(MemoryMapStatus.Ok, MemoryMapBuilder.Build(raw, reservations, 0, destination, out int count));
        return destination.Take(count).ToArray();
    }

    private static MemoryRegion[] QemuMap((ulong Base, ulong Length, uint Type)[] e820, params MemoryRegion[] reservations) =>
        Normalize(e820.Select(e => new MemoryRegion(e.Base, e.Length, Multiboot1Parser.KindFromType(e.Type))).ToArray(), reservations);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MemoryRegion[], HashSet<ulong>> s_usableCache = new();

    /// <summary>The model's usable frames; cached per map because the 4 GiB map has over a
    /// million and the property reuses the same two QEMU maps.</summary>
    private static HashSet<ulong> UsableFrames(MemoryRegion[] map) => s_usableCache.GetValue(map, ComputeUsableFrames);

    private static HashSet<ulong> ComputeUsableFrames(MemoryRegion[] map)
    {
        var set = new HashSet<ulong>();
        foreach (MemoryRegion r in map.Where(r => r.Kind == MemoryKind.Usable))
        {
            for (ulong a = r.Base; a < r.End; a += Page)
            {
                set.Add(a / Page);
            }
        }

        set.Remove(0);
        return set;
    }

    [Fact]
    public void Qemu_32M_hands_out_every_usable_frame_once()
    {
        var kernel = MemoryRegion.FromBounds(0x100000, 0x1a3456, MemoryKind.KernelImage);
        MemoryRegion[] map = QemuMap(QemuMaps.Pc32M, kernel);
        HashSet<ulong> usable = UsableFrames(map);
        var h = new Harness(map);
        Assert.Equal(FrameInitStatus.Ok, h.Status);
        Assert.Equal((ulong)usable.Count, h.Allocator.TotalFrames);
        Assert.Equal((ulong)usable.Count, h.Allocator.FreeFrames);
        Assert.Equal(0x1fe0000UL / Page, h.Allocator.FrameLimit);

        var seen = new HashSet<ulong>();
        while (h.Allocator.TryAllocate(out ulong address))
        {
            Assert.True(usable.Contains(address / Page), $"0x{address:x} not usable");
            Assert.True(seen.Add(address), $"0x{address:x} handed out twice");
        }

        Assert.Equal(usable.Count, seen.Count);
        Assert.Equal(0UL, h.Allocator.FreeFrames);
        Assert.False(h.Allocator.TryAllocateContiguous(1, 1, out _));

        foreach (ulong a in seen)
        {
            Assert.Equal(FrameFreeStatus.Ok, h.Allocator.Free(a));
        }

        Assert.Equal(h.Allocator.TotalFrames, h.Allocator.FreeFrames);
        Assert.Equal(FrameFreeStatus.NotAllocated, h.Allocator.Free(seen.First()));
        Assert.Equal(FrameFreeStatus.NotUsableMemory, h.Allocator.Free(0x100000)); // kernel image
        Assert.Equal(FrameFreeStatus.NotUsableMemory, h.Allocator.Free(0));
        Assert.Equal(FrameFreeStatus.NotAligned, h.Allocator.Free(0x300010));
        Assert.Equal(FrameFreeStatus.OutOfRange, h.Allocator.Free(0x2000000));
        Assert.Equal(h.Allocator.TotalFrames, h.Allocator.FreeFrames);

        // A 2 MiB aligned 2 MiB run exists above the kernel.
        Assert.True(h.Allocator.TryAllocateContiguous(512, 512, out ulong big));
        Assert.Equal(0UL, big % 0x200000);
        Assert.True(big >= 0x200000);
    }

    [Fact]
    public void Qemu_4G_with_hole_covers_high_memory_and_skips_the_hole()
    {
        MemoryRegion[] map = QemuMap(QemuMaps.Pc4G);
        var h = new Harness(map);
        Assert.Equal(FrameInitStatus.Ok, h.Status);
        Assert.Equal(0x140000000UL / Page, h.Allocator.FrameLimit);
        ulong expected = (ulong)UsableFrames(map).Count;
        Assert.Equal(expected, h.Allocator.TotalFrames);
        Assert.Equal((0x9f000UL - 0x1000 + 0xbfee0000 + 0x40000000) / Page, expected);

        ulong count = 0;
        ulong highest = 0;
        while (h.Allocator.TryAllocate(out ulong address))
        {
            Assert.False(address >= 0xbffe0000 && address < 0x100000000, $"0x{address:x} in the PCI hole");
            highest = Math.Max(highest, address);
            count++;
        }

        Assert.Equal(expected, count);
        Assert.Equal(0x140000000UL - Page, highest);
        Assert.Equal(FrameFreeStatus.NotUsableMemory, h.Allocator.Free(0xc0000000));
        Assert.Equal(FrameFreeStatus.Ok, h.Allocator.Free(0x120000000));
        Assert.True(h.Allocator.TryAllocate(out ulong again));
        Assert.Equal(0x120000000UL, again);

        // Contiguous allocation cannot straddle the hole.
        var h2 = new Harness(map);
        Assert.True(h2.Allocator.TryAllocateContiguous(0x40000, 0x40000, out ulong gig)); // 1 GiB, 1 GiB aligned
        Assert.Equal(0x40000000UL, gig);
        Assert.True(h2.Allocator.TryAllocateContiguous(0x40000, 0x40000, out gig));
        Assert.Equal(0x100000000UL, gig);
        Assert.False(h2.Allocator.TryAllocateContiguous(0x40000, 0x40000, out _));
    }

    [Fact]
    public void Bitmap_placement_is_above_1MiB_and_can_be_reserved()
    {
        MemoryRegion[] map = QemuMap(QemuMaps.Pc4G, MemoryRegion.FromBounds(0x100000, 0x180000, MemoryKind.KernelImage));
        ulong frames = FrameAllocator.FramesToCover(map);
        ulong bytes = FrameAllocator.BitmapWordsFor(frames) * 8;
        Assert.True(FrameAllocator.TryPlaceBitmap(map, bytes, out ulong at));
        Assert.Equal(0x180000UL, at);

        var h = new Harness(map);
        Assert.Equal((bytes + Page - 1) / Page, h.Allocator.MarkUsed(at, bytes));
        Assert.Equal(0UL, h.Allocator.MarkUsed(at, bytes)); // already used
        Assert.False(h.Allocator.IsFree(at));
        Assert.False(h.Allocator.IsFree(at + bytes - 1));
        Assert.Equal(h.Allocator.TotalFrames - ((bytes + Page - 1) / Page), h.Allocator.FreeFrames);

        Assert.False(FrameAllocator.TryPlaceBitmap(map, 0x200000000, out _));
        Assert.False(FrameAllocator.TryPlaceBitmap(map, 0, out _));
    }

    [Fact]
    public void Too_small_bitmap_covers_a_prefix()
    {
        MemoryRegion[] map = QemuMap(QemuMaps.Pc32M);
        var h = new Harness(map, words: 8); // 4 words per bitmap: 256 frames = 1 MiB
        Assert.Equal(FrameInitStatus.PartialCoverage, h.Status);
        Assert.Equal(256UL, h.Allocator.FrameLimit);
        Assert.Equal(0x9fUL - 1, h.Allocator.TotalFrames); // frames 1..0x9e below the EBDA
        Assert.Equal(FrameFreeStatus.OutOfRange, h.Allocator.Free(0x100000));
    }

    [Fact]
    public void No_usable_memory()
    {
        var h = new Harness(new[] { new MemoryRegion(0, 0x100000, MemoryKind.Reserved) });
        Assert.Equal(FrameInitStatus.NoUsableMemory, h.Status);
        Assert.False(h.Allocator.TryAllocate(out _));
        Assert.False(h.Allocator.TryAllocateContiguous(1, 1, out _));
        Assert.Equal(FrameFreeStatus.OutOfRange, h.Allocator.Free(0x1000));
    }

    [Fact]
    public void Unnormalized_map_never_frees_a_page_touched_by_reserved_memory()
    {
        MemoryRegion[] raw = new[]
        {
            new MemoryRegion(0x0, 0x100000, MemoryKind.Usable),
            new MemoryRegion(0x5800, 0x10, MemoryKind.AcpiNvs), // inside a usable page
            new MemoryRegion(0x9fc00, 0x400, MemoryKind.Reserved),
        };
        var h = new Harness(raw);
        Assert.False(h.Allocator.IsFree(0));
        Assert.False(h.Allocator.IsFree(0x5000));
        Assert.False(h.Allocator.IsFree(0x9f000));
        Assert.True(h.Allocator.IsFree(0x4000));
        Assert.Equal(0x100UL - 3, h.Allocator.TotalFrames);
    }

    [Fact]
    public void Invalid_contiguous_requests_fail()
    {
        var h = new Harness(QemuMap(QemuMaps.Pc32M));
        Assert.False(h.Allocator.TryAllocateContiguous(0, 1, out _));
        Assert.False(h.Allocator.TryAllocateContiguous(1, 0, out _));
        Assert.False(h.Allocator.TryAllocateContiguous(1, 3, out _));
        Assert.False(h.Allocator.TryAllocateContiguous(ulong.MaxValue, 1, out _));
        Assert.False(h.Allocator.TryAllocateContiguous(1, 1UL << 63, out _));
        Assert.Equal(h.Allocator.TotalFrames, h.Allocator.FreeFrames);
    }

    // ---- model-based property ----

    public enum OpKind { Allocate, Contiguous, Free, DoubleFree, FreeForeign, FreeUnaligned, MarkUsed }

    public readonly record struct Op(OpKind Kind, int A, int B);

    public sealed record Scenario(MemoryRegion[] Map, Op[] Ops)
    {
        public override string ToString() =>
            $"map=[{string.Join(", ", Map.Select(MemoryMapBuilderTests.Show))}] ops=[{string.Join(", ", Ops)}]";
    }

    private static readonly Gen<Op> s_opGen =
        from k in Gen.Frequency(
            (30, Gen.Constant(OpKind.Allocate)),
            (10, Gen.Constant(OpKind.Contiguous)),
            (25, Gen.Constant(OpKind.Free)),
            (8, Gen.Constant(OpKind.DoubleFree)),
            (8, Gen.Constant(OpKind.FreeForeign)),
            (4, Gen.Constant(OpKind.FreeUnaligned)),
            (5, Gen.Constant(OpKind.MarkUsed)))
        from a in Gen.Choose(0, 1 << 20)
        from b in Gen.Choose(0, 1 << 20)
        select new Op(k, a, b);

    private static Gen<Scenario> ScenarioGen(Gen<MemoryRegion[]> maps, int maxOps) =>
        from map in maps
        from n in Gen.Choose(0, maxOps)
        from ops in Gen.ArrayOf(s_opGen, n)
        select new Scenario(map, ops);

    /// <summary>Small random maps: up to 300 frames, all kinds, overlapping, normalized.</summary>
    private static readonly Gen<MemoryRegion[]> s_smallMaps =
        from count in Gen.Choose(1, 8)
        from regions in Gen.ArrayOf(
            from b in Gen.Choose(0, 300)
            from l in Gen.Choose(0, 120)
            from k in Gen.Frequency((6, Gen.Constant(MemoryKind.Usable)), (4, Gen.Choose(1, 6).Select(i => (MemoryKind)i)))
            from misalign in Gen.Choose(0, 3)
            select new MemoryRegion(((ulong)b * Page) + ((ulong)misalign * 0x400), (ulong)l * Page, k),
            count)
        select Normalize(regions);

    private static readonly Gen<MemoryRegion[]> s_bigMaps = Gen.Elements(QemuMap(QemuMaps.Pc32M), QemuMap(QemuMaps.Pc4G));

    private static void RunScenario(Scenario s)
    {
        var h = new Harness(s.Map);
        HashSet<ulong> usable = UsableFrames(s.Map);
        ulong[] nonUsable = Enumerable.Range(0, (int)Math.Min(h.Allocator.FrameLimit, 4096)).Select(i => (ulong)i).Where(f => !usable.Contains(f)).ToArray();
        var allocated = new HashSet<ulong>();
        var allocatedList = new List<ulong>();
        var freed = new List<ulong>();
        Assert.Equal((ulong)usable.Count, h.Allocator.TotalFrames);

        void Take(ulong frame)
        {
            Assert.True(usable.Contains(frame), $"frame 0x{frame:x} is not usable");
            Assert.True(allocated.Add(frame), $"frame 0x{frame:x} handed out twice");
            allocatedList.Add(frame);
        }

        void Drop(ulong frame)
        {
            allocated.Remove(frame);
            allocatedList.Remove(frame);
            freed.Add(frame);
        }

        foreach (Op op in s.Ops)
        {
            switch (op.Kind)
            {
                case OpKind.Allocate:
                    bool ok = h.Allocator.TryAllocate(out ulong a);
                    Assert.Equal(allocated.Count < usable.Count, ok);
                    if (ok)
                    {
                        Take(a / Page);
                    }

                    break;
                case OpKind.Contiguous:
                    ulong count = 1 + (ulong)(op.A % 8);
                    ulong align = 1UL << (op.B % 5);
                    if (h.Allocator.TryAllocateContiguous(count, align, out ulong c))
                    {
                        Assert.Equal(0UL, (c / Page) % align);
                        for (ulong i = 0; i < count; i++)
                        {
                            Take((c / Page) + i);
                        }
                    }
                    else
                    {
                        // The model agrees no aligned run of free usable frames exists.
                        for (ulong f = 0; f + count <= h.Allocator.FrameLimit; f += align)
                        {
                            bool run = true;
                            for (ulong i = 0; i < count && run; i++)
                            {
                                run = usable.Contains(f + i) && !allocated.Contains(f + i);
                            }

                            Assert.False(run, $"missed a run at frame 0x{f:x}");
                        }
                    }

                    break;
                case OpKind.Free when allocatedList.Count > 0:
                    ulong victim = allocatedList[op.A % allocatedList.Count];
                    Assert.Equal(FrameFreeStatus.Ok, h.Allocator.Free(victim * Page));
                    Drop(victim);
                    break;
                case OpKind.DoubleFree when freed.Count > 0:
                    ulong again = freed[op.A % freed.Count];
                    if (!allocated.Contains(again))
                    {
                        Assert.Equal(FrameFreeStatus.NotAllocated, h.Allocator.Free(again * Page));
                    }

                    break;
                case OpKind.FreeForeign:
                    if (nonUsable.Length > 0)
                    {
                        Assert.Equal(FrameFreeStatus.NotUsableMemory, h.Allocator.Free(nonUsable[op.A % nonUsable.Length] * Page));
                    }

                    Assert.Equal(FrameFreeStatus.OutOfRange, h.Allocator.Free((h.Allocator.FrameLimit + (ulong)op.B) * Page));
                    break;
                case OpKind.FreeUnaligned:
                    Assert.Equal(FrameFreeStatus.NotAligned, h.Allocator.Free(((ulong)op.A * Page) + 1 + (ulong)(op.B % 4095)));
                    break;
                case OpKind.MarkUsed:
                    ulong first = (ulong)op.A % (h.Allocator.FrameLimit + 2);
                    ulong frames = (ulong)(op.B % 16);
                    ulong expectedNew = 0;
                    for (ulong f = first; f < first + frames; f++)
                    {
                        if (usable.Contains(f) && !allocated.Contains(f))
                        {
                            expectedNew++;
                        }
                    }

                    Assert.Equal(expectedNew, h.Allocator.MarkUsed(first * Page, frames * Page));
                    for (ulong f = first; f < first + frames; f++)
                    {
                        if (usable.Contains(f) && !allocated.Contains(f))
                        {
                            Take(f);
                        }
                    }

                    break;
            }

            Assert.Equal((ulong)(usable.Count - allocated.Count), h.Allocator.FreeFrames);
        }

        // Everything handed out can be returned, and then everything is free again.
        foreach (ulong f in allocated)
        {
            Assert.Equal(FrameFreeStatus.Ok, h.Allocator.Free(f * Page));
        }

        Assert.Equal(h.Allocator.TotalFrames, h.Allocator.FreeFrames);
    }

    [Fact]
    public void Random_operations_on_small_maps_match_the_model()
    {
        PropertyCheck.ForAll(ScenarioGen(s_smallMaps, 120), RunScenario);
    }

    [Fact]
    public void Random_operations_on_qemu_maps_match_the_model()
    {
        PropertyCheck.ForAll(ScenarioGen(s_bigMaps, 60), s =>
        {
            // The contiguous-miss check walks the whole map; keep it to the small maps.
            Op[] ops = s.Ops.Where(o => o.Kind != OpKind.Contiguous).ToArray();
            RunScenario(s with { Ops = ops });
        });
    }
}
