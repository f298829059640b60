using System.Diagnostics;
using Microkernel.Memory.Virtual;
using Xunit;

namespace Microkernel.Tests;

/// <summary>10,000 areas: lookups, first-fit searches, splits and a wide unmap stay correct
/// (and fast enough that a linear structure would show).</summary>
public class AddressSpaceMapScaleTests
{
    private const ulong Page = AddressSpaceMap.PageSize;
    private const ulong Base = 0x10_0000_0000;
    private const int Areas = 10_000;

    private static ulong At(long page) => Base + ((ulong)page * Page);

    [Fact]
    public void Ten_thousand_areas()
    {
        var clock = Stopwatch.StartNew();
        var h = new MapHarness(Base, At(1 << 20), 4 * Areas);
        var sink = new RecordingSink();

        // Two pages mapped, one page hole, 10,000 times.
        for (int i = 0; i < Areas; i++)
        {
            Assert.Equal(VmError.None, h.Map.Map(At(3L * i), 2 * Page, VmProtection.Read | VmProtection.Write, VmAreaKind.Anonymous, MapFlags.FixedNoReplace, 0, ref sink, out _));
        }

        Assert.Equal(Areas, h.Map.AreaCount);
        h.AssertValid();
        for (long p = 0; p < 3L * Areas; p++)
        {
            bool mapped = h.Map.Find(At(p) + 5, out VmArea area);
            Assert.Equal(p % 3 != 2, mapped);
            if (mapped)
            {
                Assert.Equal(At(p - (p % 3)), area.Start);
            }
        }

        // A two-page request fits no hole: it goes after the last area.
        Assert.Equal(VmError.None, h.Map.Map(0, 2 * Page, VmProtection.Read, VmAreaKind.Anonymous, MapFlags.None, 1, ref sink, out ulong tail));
        Assert.Equal(At((3L * Areas) - 1), tail);
        Assert.Equal(VmError.None, h.Map.Unmap(tail, 2 * Page, ref sink));

        // One-page requests fill the holes lowest first; named differently, so nothing merges.
        for (int i = 0; i < Areas; i++)
        {
            Assert.Equal(VmError.None, h.Map.Map(0, Page, VmProtection.Read, VmAreaKind.Anonymous, MapFlags.None, 2, ref sink, out ulong hole));
            Assert.Equal(At((3L * i) + 2), hole);
        }

        Assert.Equal(2 * Areas, h.Map.AreaCount);
        h.AssertValid();

        // Split every original area by re-protecting its second page: 30,000 areas.
        sink.Reports.Clear();
        for (int i = 0; i < Areas; i++)
        {
            Assert.Equal(VmError.None, h.Map.Protect(At((3L * i) + 1), Page, VmProtection.Read, ref sink));
        }

        Assert.Equal(Areas, sink.Reports.Count);
        Assert.Equal(3 * Areas, h.Map.AreaCount);
        h.AssertValid();
        Assert.True(h.Map.Find(At(3L * 777 + 1), out VmArea split));
        Assert.Equal((At(3L * 777 + 1), At(3L * 777 + 2), VmProtection.Read), (split.Start, split.End, split.Protection));

        // One unmap across the middle third removes 10,000 areas and reports each.
        sink.Reports.Clear();
        Assert.Equal(VmError.None, h.Map.Unmap(At(Areas), (ulong)Areas * Page, ref sink));
        Assert.Equal(Areas, sink.Reports.Count);
        Assert.Equal(2 * Areas, h.Map.AreaCount);
        Assert.Equal((ulong)(2 * Areas) * Page, h.Map.MappedBytes);
        Assert.False(h.Map.Find(At(Areas + 17), out _));
        h.AssertValid();
        Assert.Equal(4 * Areas - (2 * Areas), h.Map.FreeNodes);

        // The freed space is found again by a large first-fit request.
        Assert.Equal(VmError.None, h.Map.Map(0, (ulong)Areas * Page, VmProtection.None, VmAreaKind.Guard, MapFlags.None, 3, ref sink, out ulong big));
        Assert.Equal(At(Areas), big);
        h.AssertValid();
        Assert.True(clock.ElapsedMilliseconds < 20_000, $"took {clock.ElapsedMilliseconds} ms");
    }
}
