using System;
using System.Collections.Generic;
using System.Linq;
using Microkernel.Memory.Virtual;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Edge cases, one fact each.</summary>
public class AddressSpaceMapFacts
{
    private const ulong Page = AddressSpaceMap.PageSize;
    private const ulong Base = 0x400000;
    private const VmProtection R = VmProtection.Read;
    private const VmProtection RW = VmProtection.Read | VmProtection.Write;
    private const VmProtection RX = VmProtection.Read | VmProtection.Execute;

    private static MapHarness New(int pages = 64, int capacity = 64, ulong lowest = Base) => new(lowest, lowest + ((ulong)pages * Page), capacity);

    private static ulong At(int page) => Base + ((ulong)page * Page);

    private static ulong Map(MapHarness h, int page, int pages, VmProtection p = RW, VmAreaKind kind = VmAreaKind.Anonymous, ushort name = 0)
    {
        var sink = new RecordingSink();
        Assert.Equal(VmError.None, h.Map.Map(At(page), (ulong)pages * Page, p, kind, MapFlags.FixedNoReplace, name, ref sink, out ulong address));
        Assert.Empty(sink.Reports);
        return address;
    }

    private static (ulong, ulong, VmProtection)[] Shape(MapHarness h) => h.Areas().Select(a => (a.Start, a.End, a.Protection)).ToArray();

    [Fact]
    public void Zero_length_is_EINVAL_everywhere()
    {
        MapHarness h = New();
        var sink = new RecordingSink();
        Assert.Equal(VmError.EINVAL, h.Map.Map(0, 0, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(0), 0, RW, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Unmap(At(0), 0, ref sink));
        Assert.Equal(VmError.EINVAL, h.Map.Protect(At(0), 0, R, ref sink));
        Assert.Empty(sink.Reports);
        Assert.Equal(0, h.Map.AreaCount);
    }

    [Fact]
    public void Unaligned_addresses_are_EINVAL_and_lengths_round_up()
    {
        MapHarness h = New();
        var sink = new RecordingSink();
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(1) + 1, Page, RW, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(1) + 1, Page, RW, VmAreaKind.Anonymous, MapFlags.FixedNoReplace, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Unmap(At(1) + 8, Page, ref sink));
        Assert.Equal(VmError.EINVAL, h.Map.Protect(At(1) + 8, Page, R, ref sink));

        // A hint is rounded up, a length is rounded up to whole pages.
        Assert.Equal(VmError.None, h.Map.Map(At(3) + 1, 1, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out ulong address));
        Assert.Equal(At(4), address);
        Assert.Equal(Page, h.Map.MappedBytes);
        Assert.Equal(VmError.None, h.Map.Protect(At(4), 1, R, ref sink));
        Assert.Equal(VmError.None, h.Map.Unmap(At(4), Page - 1, ref sink));
        Assert.Equal(0UL, h.Map.MappedBytes);
        h.AssertValid();
    }

    [Fact]
    public void Ranges_that_overflow_two_to_the_64_are_EINVAL()
    {
        const ulong Top = 0xFFFF_FFFF_FFFF_F000; // highest page-aligned bound
        var h = new MapHarness(Top - (16 * Page), Top, 16);
        var sink = new RecordingSink();
        Assert.Equal(VmError.EINVAL, h.Map.Map(Top - Page, 2 * Page, RW, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(0, ulong.MaxValue, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(Top - Page, ulong.MaxValue - Page + 2, RW, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Unmap(Top, 2 * Page, ref sink));
        Assert.Equal(VmError.EINVAL, h.Map.Unmap(Top - Page, ulong.MaxValue - (2 * Page), ref sink));
        Assert.Equal(VmError.EINVAL, h.Map.Protect(Top - Page, 2 * Page, R, ref sink));

        // A huge length that rounds fine is just "no room" for a hint-only map.
        Assert.Equal(VmError.ENOMEM, h.Map.Map(ulong.MaxValue, 17 * Page, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out _));

        // The last page of the space works; a hint past every page falls back to the bottom.
        Assert.Equal(VmError.None, h.Map.Map(Top - Page, Page, RW, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out ulong last));
        Assert.Equal(Top - Page, last);
        Assert.Equal(VmError.None, h.Map.Map(ulong.MaxValue, Page, R, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out ulong low));
        Assert.Equal(Top - (16 * Page), low);
        Assert.True(h.Map.Find(Top - 1, out VmArea area));
        Assert.Equal(Top, area.End);
        Assert.False(h.Map.Find(ulong.MaxValue, out _));
        Assert.Empty(sink.Reports);
        h.AssertValid();
    }

    [Fact]
    public void Fixed_map_over_several_areas_reports_each_replaced_piece()
    {
        MapHarness h = New();
        Map(h, 2, 4, R);
        Map(h, 6, 4, RW);
        Map(h, 12, 4, RX);
        var sink = new RecordingSink();
        Assert.Equal(VmError.None, h.Map.Map(At(4), 10 * Page, VmProtection.None, VmAreaKind.Anonymous, MapFlags.Fixed, 7, ref sink, out ulong address));
        Assert.Equal(At(4), address);
        Assert.Equal(new[]
        {
            Report.Of(true, new VmArea(At(4), At(6), R, VmAreaKind.Anonymous, 0)),
            Report.Of(true, new VmArea(At(6), At(10), RW, VmAreaKind.Anonymous, 0)),
            Report.Of(true, new VmArea(At(12), At(14), RX, VmAreaKind.Anonymous, 0)),
        }, sink.Reports);
        Assert.Equal(new[] { (At(2), At(4), R), (At(4), At(14), VmProtection.None), (At(14), At(16), RX) }, Shape(h));
        Assert.Equal(14 * Page, h.Map.MappedBytes); // pages 2..16

        // FixedNoReplace refuses any overlap, even one page.
        Assert.Equal(VmError.EEXIST, h.Map.Map(At(15), 4 * Page, R, VmAreaKind.Anonymous, MapFlags.FixedNoReplace, 0, ref sink, out _));
        Assert.Equal(VmError.None, h.Map.Map(At(16), 4 * Page, RX, VmAreaKind.Anonymous, MapFlags.FixedNoReplace, 0, ref sink, out _));
        Assert.Equal((At(14), At(20), RX), Shape(h)[2]); // merged with its identical neighbour
        h.AssertValid();
    }

    [Fact]
    public void Protect_across_a_hole_is_ENOMEM_and_changes_nothing()
    {
        MapHarness h = New();
        Map(h, 0, 4, RW);
        Map(h, 5, 4, RW);
        (ulong, ulong, VmProtection)[] before = Shape(h);
        var sink = new RecordingSink();
        Assert.Equal(VmError.ENOMEM, h.Map.Protect(At(2), 4 * Page, R, ref sink));
        Assert.Equal(VmError.ENOMEM, h.Map.Protect(At(9), Page, R, ref sink));
        Assert.Equal(VmError.ENOMEM, h.Map.Protect(At(60), 8 * Page, R, ref sink)); // past the bounds
        Assert.Empty(sink.Reports);
        Assert.Equal(before, Shape(h));
        h.AssertValid();
    }

    [Fact]
    public void Write_with_execute_is_refused()
    {
        MapHarness h = New();
        var sink = new RecordingSink();
        const VmProtection Wx = VmProtection.Write | VmProtection.Execute;
        Assert.Equal(VmError.EACCES, h.Map.Map(0, Page, Wx, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out _));
        Assert.Equal(VmError.EACCES, h.Map.Map(At(0), Page, Wx | R, VmAreaKind.Image, MapFlags.Fixed, 0, ref sink, out _));
        Map(h, 0, 4, RW);
        Assert.Equal(VmError.EACCES, h.Map.Protect(At(0), Page, Wx, ref sink));
        Assert.Equal(VmError.EACCES, h.Map.Protect(At(0), Page, Wx | R, ref sink));
        Assert.Equal(VmError.EINVAL, h.Map.Protect(At(0), Page, (VmProtection)8, ref sink));

        // Flipping writable code to executable read-only (the JIT pattern) is fine.
        Assert.Equal(VmError.None, h.Map.Protect(At(0), 2 * Page, RX, ref sink));
        Assert.Equal(new[] { Report.Of(false, new VmArea(At(0), At(2), RW, VmAreaKind.Anonymous, 0), RX) }, sink.Reports);
        Assert.All(h.Areas(), a => Assert.False(a.Protection.HasFlag(Wx)));
        h.AssertValid();
    }

    [Fact]
    public void Protect_splits_and_merges_back()
    {
        MapHarness h = New();
        Map(h, 0, 10, RW);
        var sink = new RecordingSink();
        Assert.Equal(VmError.None, h.Map.Protect(At(3), 2 * Page, R, ref sink));
        Assert.Equal(new[] { (At(0), At(3), RW), (At(3), At(5), R), (At(5), At(10), RW) }, Shape(h));
        Assert.Equal(VmError.None, h.Map.Protect(At(3), 2 * Page, RW, ref sink));
        Assert.Equal(new[] { (At(0), At(10), RW) }, Shape(h));
        Assert.Equal(2, sink.Reports.Count);

        // Re-protecting with the same protection is a success with nothing to report.
        sink.Reports.Clear();
        Assert.Equal(VmError.None, h.Map.Protect(At(1), Page, RW, ref sink));
        Assert.Empty(sink.Reports);
        Assert.Equal(1, h.Map.AreaCount);
        h.AssertValid();
    }

    [Fact]
    public void Unmap_of_a_hole_succeeds_and_partial_unmap_splits()
    {
        MapHarness h = New();
        var sink = new RecordingSink();
        Assert.Equal(VmError.None, h.Map.Unmap(At(0), 64 * Page, ref sink));
        Assert.Empty(sink.Reports);
        Assert.Equal(VmError.EINVAL, h.Map.Unmap(At(0), 65 * Page, ref sink)); // leaves the bounds
        Assert.Equal(VmError.EINVAL, h.Map.Unmap(Base - Page, Page, ref sink));

        Map(h, 0, 10, RW, name: 3);
        Assert.Equal(VmError.None, h.Map.Unmap(At(4), 2 * Page, ref sink));
        Assert.Equal(new[] { Report.Of(true, new VmArea(At(4), At(6), RW, VmAreaKind.Anonymous, 3)) }, sink.Reports);
        Assert.Equal(new[] { (At(0), At(4), RW), (At(6), At(10), RW) }, Shape(h));
        Assert.Equal(8 * Page, h.Map.MappedBytes);
        h.AssertValid();
    }

    [Fact]
    public void Pool_exhaustion_is_ENOMEM_and_leaves_the_map_unchanged()
    {
        MapHarness h = New(capacity: 2);
        Map(h, 0, 10, RW);
        Map(h, 20, 10, R);
        Assert.Equal(0, h.Map.FreeNodes);
        (ulong, ulong, VmProtection)[] before = Shape(h);
        var sink = new RecordingSink();

        Assert.Equal(VmError.ENOMEM, h.Map.Unmap(At(4), Page, ref sink));          // would split one area in two
        Assert.Equal(VmError.ENOMEM, h.Map.Protect(At(4), Page, R, ref sink));     // would split in three
        Assert.Equal(VmError.ENOMEM, h.Map.Map(At(40), Page, R, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.ENOMEM, h.Map.Map(At(2), Page, R, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Empty(sink.Reports);
        Assert.Equal(before, Shape(h));
        h.AssertValid();

        // What needs no extra node still works with a full pool: growing an area in place,
        // trimming an edge, re-protecting a whole area, or a fixed map that merges.
        Assert.Equal(VmError.None, h.Map.Map(At(10), Page, RW, VmAreaKind.Anonymous, MapFlags.FixedNoReplace, 0, ref sink, out _));
        Assert.Equal(VmError.None, h.Map.Unmap(At(0), Page, ref sink));
        Assert.Equal(VmError.None, h.Map.Protect(At(20), 10 * Page, RW, ref sink));
        Assert.Equal(VmError.None, h.Map.Map(At(5), 20 * Page, RW, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(new[] { (At(1), At(30), RW) }, Shape(h));
        Assert.Equal(1, h.Map.FreeNodes);

        // An empty pool maps nothing.
        MapHarness none = New(capacity: 0);
        Assert.Equal(VmError.ENOMEM, none.Map.Map(0, Page, R, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out _));
        none.AssertValid();
    }

    [Fact]
    public void Guard_areas_hold_no_access()
    {
        MapHarness h = New();
        var sink = new RecordingSink();
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(0), Page, R, VmAreaKind.Guard, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(0), Page, VmProtection.None, VmAreaKind.Guard, MapFlags.Fixed | MapFlags.Populate, 0, ref sink, out _));

        // A stack with a guard page below it.
        Map(h, 10, 1, VmProtection.None, VmAreaKind.Guard, name: 1);
        Map(h, 11, 8, RW, VmAreaKind.Stack, name: 1);
        Assert.Equal(VmFaultResolution.GuardHit, h.Map.ResolveFault(At(10) + 0x123, VmProtection.Write, out VmArea guard));
        Assert.Equal(VmAreaKind.Guard, guard.Kind);
        Assert.Equal(VmFaultResolution.ZeroFill, h.Map.ResolveFault(At(18) + 8, VmProtection.Write, out VmArea stack));
        Assert.Equal((At(11), At(19), VmAreaKind.Stack, (ushort)1), (stack.Start, stack.End, stack.Kind, stack.Name));
        Assert.Equal(VmFaultResolution.AccessDenied, h.Map.ResolveFault(At(12), VmProtection.Execute, out _));
        Assert.Equal(VmFaultResolution.NotMapped, h.Map.ResolveFault(At(9), VmProtection.Read, out _));

        Assert.Equal(VmError.EACCES, h.Map.Protect(At(10), 2 * Page, R, ref sink));
        Assert.Equal(VmError.None, h.Map.Protect(At(10), 2 * Page, VmProtection.None, ref sink));
        Assert.Equal(new[] { Report.Of(false, new VmArea(At(11), At(12), RW, VmAreaKind.Stack, 1), VmProtection.None) }, sink.Reports);
        Assert.Equal(3, h.Map.AreaCount); // guard and stack differ in kind: no merge

        // Unmapping the guard reports it (the kernel frees nothing for it).
        sink.Reports.Clear();
        Assert.Equal(VmError.None, h.Map.Unmap(At(10), Page, ref sink));
        Assert.Equal(VmAreaKind.Guard, Assert.Single(sink.Reports).Kind);
        h.AssertValid();
    }

    [Fact]
    public void Image_and_device_memory_are_not_demand_filled()
    {
        MapHarness h = New();
        Map(h, 0, 2, RX, VmAreaKind.Image);
        Map(h, 2, 2, RW, VmAreaKind.Device);
        Assert.Equal(VmFaultResolution.NotPresent, h.Map.ResolveFault(At(0), VmProtection.Execute, out _));
        Assert.Equal(VmFaultResolution.NotPresent, h.Map.ResolveFault(At(3), VmProtection.None, out _));
        Assert.Equal(VmFaultResolution.AccessDenied, h.Map.ResolveFault(At(0), VmProtection.Write, out _));
    }

    [Fact]
    public void Hint_only_maps_first_fit_at_or_above_the_hint_then_anywhere()
    {
        MapHarness h = New(pages: 32);
        var sink = new RecordingSink();
        Map(h, 0, 4, R);
        Map(h, 6, 10, R, name: 1);
        Map(h, 20, 12, R, name: 2);
        Assert.Equal(VmError.None, h.Map.Map(0, 2 * Page, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out ulong a));
        Assert.Equal(At(4), a); // lowest hole that fits
        Assert.Equal(VmError.None, h.Map.Map(At(17), 2 * Page, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out ulong b));
        Assert.Equal(At(17), b); // the hint itself is free
        Assert.Equal(VmError.None, h.Map.Map(At(25), Page, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out ulong c));
        Assert.Equal(At(16), c); // nothing at or above the hint: first fit from the bottom
        Assert.Equal(VmError.ENOMEM, h.Map.Map(0, 2 * Page, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out _));
        Assert.Equal(VmError.None, h.Map.Map(0, Page, RW, VmAreaKind.Anonymous, MapFlags.None, 0, ref sink, out ulong d));
        Assert.Equal(At(19), d);
        Assert.Equal(32 * Page, h.Map.MappedBytes);
        Assert.Empty(sink.Reports);
        h.AssertValid();
    }

    [Fact]
    public void Bad_flags_kinds_and_bounds_are_EINVAL()
    {
        MapHarness h = New();
        var sink = new RecordingSink();
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(0), Page, R, VmAreaKind.Anonymous, MapFlags.Fixed | MapFlags.FixedNoReplace, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(0), Page, R, VmAreaKind.Anonymous, (MapFlags)0x80, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(0), Page, R, (VmAreaKind)9, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(0), Page, (VmProtection)0x10, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(Base - Page, Page, R, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));
        Assert.Equal(VmError.EINVAL, h.Map.Map(At(63), 2 * Page, R, VmAreaKind.Anonymous, MapFlags.Fixed, 0, ref sink, out _));

        AddressSpaceMap map = default;
        unsafe
        {
            VmTreeNode node = default;
            Assert.Equal(VmError.EINVAL, map.Initialize(&node, 1, 0x1001, 0x5000));
            Assert.Equal(VmError.EINVAL, map.Initialize(&node, 1, 0x5000, 0x5000));
            Assert.Equal(VmError.EINVAL, map.Initialize(&node, -1, 0, 0x5000));
            Assert.Equal(VmError.EINVAL, map.Initialize(null, 1, 0, 0x5000));
            Assert.Equal(VmError.None, map.Initialize(null, 0, 0, 0x5000));
        }
    }
}
