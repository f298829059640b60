using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microkernel.Memory.Virtual;
using Xunit;

namespace Microkernel.Tests;

/// <summary>One report a sink received (or the model expects).</summary>
public readonly record struct Report(bool Removed, ulong Start, ulong End, VmProtection Protection, VmAreaKind Kind, ushort Name, VmProtection NewProtection)
{
    public static Report Of(bool removed, in VmArea a, VmProtection newProtection = VmProtection.None) =>
        new(removed, a.Start, a.End, a.Protection, a.Kind, a.Name, removed ? VmProtection.None : newProtection);
}

/// <summary>Records every sink call, in order.</summary>
public struct RecordingSink : IVmRangeSink
{
    public List<Report> Reports;

    public RecordingSink() => Reports = new List<Report>();

    public void Removed(in VmArea area) => Reports.Add(Report.Of(true, area));

    public void ProtectionChanged(in VmArea area, VmProtection newProtection) => Reports.Add(Report.Of(false, area, newProtection));
}

/// <summary>An <see cref="AddressSpaceMap"/> over a pinned pool, as the kernel would keep it.</summary>
public sealed unsafe class MapHarness
{
    public readonly VmTreeNode[] Pool;
    public AddressSpaceMap Map;

    public MapHarness(ulong lowest, ulong highest, int capacity)
    {
        Pool = GC.AllocateArray<VmTreeNode>(Math.Max(capacity, 1), pinned: true);
        new Random(capacity).NextBytes(MemoryMarshalBytes(Pool)); // garbage: Initialize must not rely on zeroed memory
        Assert.Equal(VmError.None, Map.Initialize((VmTreeNode*)Unsafe.AsPointer(ref Pool[0]), capacity, lowest, highest));
    }

    private static Span<byte> MemoryMarshalBytes(VmTreeNode[] pool) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(pool.AsSpan());

    public VmArea[] Areas()
    {
        var buffer = new VmArea[Map.AreaCount + 1];
        int n = Map.CopyTo(buffer);
        Assert.Equal(Map.AreaCount, n);
        var viaEnumerator = new List<VmArea>();
        foreach (VmArea a in Map)
        {
            viaEnumerator.Add(a);
        }

        Assert.Equal(buffer.AsSpan(0, n).ToArray(), viaEnumerator.ToArray());
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>The map's own <see cref="AddressSpaceMap.Validate"/>, then an independent
    /// look at the pool: one root, parent links, AVL heights and balance, in-order sequence
    /// equal to the areas, nodes in use equal to the area count.</summary>
    public void AssertValid()
    {
        Assert.Equal(VmMapCheck.Ok, Map.Validate());
        int capacity = Map.NodeCapacity;
        int[] inUse = Enumerable.Range(0, capacity).Where(i => Pool[i].Height != 0).ToArray();
        Assert.Equal(Map.AreaCount, inUse.Length);
        Assert.Equal(capacity - Map.AreaCount, Map.FreeNodes);
        if (inUse.Length == 0)
        {
            return;
        }

        int root = Assert.Single(inUse, i => Pool[i].Parent == -1);
        var inOrder = new List<VmArea>();
        int Walk(int n, int parent)
        {
            if (n == -1)
            {
                return 0;
            }

            ref VmTreeNode node = ref Pool[n];
            Assert.Equal(parent, node.Parent);
            int hl = Walk(node.Left, n);
            inOrder.Add(new VmArea(node.Start, node.End, node.Protection, node.Kind, node.Name));
            int hr = Walk(node.Right, n);
            Assert.InRange(hl - hr, -1, 1);
            Assert.Equal(1 + Math.Max(hl, hr), node.Height);
            return node.Height;
        }

        int height = Walk(root, -1);
        Assert.Equal(Areas(), inOrder.ToArray());
        Assert.True(height <= 1.45 * Math.Log2(inUse.Length + 2), $"height {height} for {inUse.Length} nodes");
    }
}

/// <summary>The plain model: one attribute record per page of the bounds, and the rules of
/// each operation written out directly.</summary>
public sealed class VmModel
{
    public const ulong Page = AddressSpaceMap.PageSize;

    public struct PageState
    {
        public bool Mapped;
        public VmProtection Protection;
        public VmAreaKind Kind;
        public ushort Name;

        public readonly bool Same(PageState o) => Mapped == o.Mapped && (!Mapped || (Protection == o.Protection && Kind == o.Kind && Name == o.Name));
    }

    public readonly ulong Lowest;
    public readonly ulong Highest;
    public readonly int Capacity;
    public PageState[] Pages;

    public VmModel(ulong lowest, ulong highest, int capacity)
    {
        Lowest = lowest;
        Highest = highest;
        Capacity = capacity;
        Pages = new PageState[(highest - lowest) / Page];
    }

    public ulong AddressOf(int page) => Lowest + ((ulong)page * Page);

    public static List<VmArea> Runs(PageState[] pages, ulong lowest, int from, int to, Func<PageState, bool> include)
    {
        var runs = new List<VmArea>();
        int i = from;
        while (i < to)
        {
            if (!pages[i].Mapped || !include(pages[i]))
            {
                i++;
                continue;
            }

            int j = i + 1;
            while (j < to && pages[j].Same(pages[i]))
            {
                j++;
            }

            runs.Add(new VmArea(lowest + ((ulong)i * Page), lowest + ((ulong)j * Page), pages[i].Protection, pages[i].Kind, pages[i].Name));
            i = j;
        }

        return runs;
    }

    public List<VmArea> Areas() => Runs(Pages, Lowest, 0, Pages.Length, _ => true);

    public ulong MappedBytes()
    {
        ulong total = 0;
        foreach (PageState p in Pages)
        {
            total += p.Mapped ? Page : 0;
        }

        return total;
    }

    private static bool RoundLength(ulong length, out ulong rounded)
    {
        rounded = 0;
        if (length == 0 || length > ulong.MaxValue - (Page - 1))
        {
            return false;
        }

        rounded = (length + Page - 1) / Page * Page;
        return true;
    }

    private bool Inside(ulong start, ulong length) => start >= Lowest && start <= Highest && Highest - start >= length;

    private int PageIndex(ulong address) => (int)((address - Lowest) / Page);

    /// <summary>Commits <paramref name="next"/> if its runs fit the pool, else ENOMEM.</summary>
    private VmError Commit(PageState[] next)
    {
        if (Runs(next, Lowest, 0, next.Length, _ => true).Count > Capacity)
        {
            return VmError.ENOMEM;
        }

        Pages = next;
        return VmError.None;
    }

    public VmError Map(ulong hint, ulong length, VmProtection protection, VmAreaKind kind, MapFlags flags, ushort name, List<Report> reports, out ulong address)
    {
        address = 0;
        bool fixedFlag = (flags & MapFlags.Fixed) != 0;
        bool noReplace = (flags & MapFlags.FixedNoReplace) != 0;
        if (((int)flags & ~7) != 0 || (fixedFlag && noReplace))
        {
            return VmError.EINVAL;
        }

        if (!RoundLength(length, out length))
        {
            return VmError.EINVAL;
        }

        if (((int)protection & ~7) != 0)
        {
            return VmError.EINVAL;
        }

        if ((int)kind > 4 || (kind == VmAreaKind.Guard && (protection != VmProtection.None || (flags & MapFlags.Populate) != 0)))
        {
            return VmError.EINVAL;
        }

        if (protection.HasFlag(VmProtection.Write | VmProtection.Execute))
        {
            return VmError.EACCES;
        }

        ulong start;
        if (fixedFlag || noReplace)
        {
            if (hint % Page != 0 || !Inside(hint, length))
            {
                return VmError.EINVAL;
            }

            start = hint;
            if (noReplace)
            {
                for (int i = PageIndex(start); i < PageIndex(start) + (int)(length / Page); i++)
                {
                    if (Pages[i].Mapped)
                    {
                        return VmError.EEXIST;
                    }
                }
            }
        }
        else
        {
            ulong? found = null;
            if (hint <= ulong.MaxValue - (Page - 1))
            {
                ulong lo = (hint + Page - 1) / Page * Page;
                if (lo > Lowest)
                {
                    found = FirstFit(lo, length);
                }
            }

            found ??= FirstFit(Lowest, length);
            if (found is null)
            {
                return VmError.ENOMEM;
            }

            start = found.Value;
        }

        int first = PageIndex(start);
        int end = first + (int)(length / Page);
        var next = (PageState[])Pages.Clone();
        for (int i = first; i < end; i++)
        {
            next[i] = new PageState { Mapped = true, Protection = protection, Kind = kind, Name = name };
        }

        List<VmArea> removed = Runs(Pages, Lowest, first, end, _ => true);
        VmError status = Commit(next);
        if (status == VmError.None)
        {
            address = start;
            foreach (VmArea r in removed)
            {
                reports.Add(Report.Of(true, r));
            }
        }

        return status;
    }

    private ulong? FirstFit(ulong lo, ulong length)
    {
        if (lo >= Highest || Highest - lo < length)
        {
            return null;
        }

        int pages = (int)(length / Page);
        for (int i = PageIndex(lo); i + pages <= Pages.Length; i++)
        {
            bool free = true;
            for (int j = i; j < i + pages && free; j++)
            {
                free = !Pages[j].Mapped;
            }

            if (free)
            {
                return AddressOf(i);
            }
        }

        return null;
    }

    private static VmError CheckRange(ulong address, ulong length, out ulong end)
    {
        end = 0;
        if (address % Page != 0 || !RoundLength(length, out length) || length > ulong.MaxValue - address)
        {
            return VmError.EINVAL;
        }

        end = address + length;
        return VmError.None;
    }

    public VmError Unmap(ulong address, ulong length, List<Report> reports)
    {
        VmError status = CheckRange(address, length, out ulong end);
        if (status != VmError.None)
        {
            return status;
        }

        if (address < Lowest || end > Highest)
        {
            return VmError.EINVAL;
        }

        int first = PageIndex(address);
        int last = PageIndex(end);
        var next = (PageState[])Pages.Clone();
        for (int i = first; i < last; i++)
        {
            next[i] = default;
        }

        List<VmArea> removed = Runs(Pages, Lowest, first, last, _ => true);
        status = Commit(next);
        if (status == VmError.None)
        {
            foreach (VmArea r in removed)
            {
                reports.Add(Report.Of(true, r));
            }
        }

        return status;
    }

    public VmError Protect(ulong address, ulong length, VmProtection protection, List<Report> reports)
    {
        VmError status = CheckRange(address, length, out ulong end);
        if (status != VmError.None)
        {
            return status;
        }

        if (((int)protection & ~7) != 0)
        {
            return VmError.EINVAL;
        }

        if (protection.HasFlag(VmProtection.Write | VmProtection.Execute))
        {
            return VmError.EACCES;
        }

        if (address < Lowest || end > Highest)
        {
            return VmError.ENOMEM;
        }

        int first = PageIndex(address);
        int last = PageIndex(end);
        bool guard = false;
        for (int i = first; i < last; i++)
        {
            if (!Pages[i].Mapped)
            {
                return VmError.ENOMEM;
            }

            guard |= Pages[i].Kind == VmAreaKind.Guard;
        }

        if (guard && protection != VmProtection.None)
        {
            return VmError.EACCES;
        }

        var next = (PageState[])Pages.Clone();
        for (int i = first; i < last; i++)
        {
            next[i].Protection = protection;
        }

        List<VmArea> changed = Runs(Pages, Lowest, first, last, p => p.Protection != protection);
        status = Commit(next);
        if (status == VmError.None)
        {
            foreach (VmArea r in changed)
            {
                reports.Add(Report.Of(false, r, protection));
            }
        }

        return status;
    }

    public bool Find(ulong address, out VmArea area)
    {
        area = default;
        if (address < Lowest || address >= Highest || !Pages[PageIndex(address)].Mapped)
        {
            return false;
        }

        foreach (VmArea a in Areas())
        {
            if (a.Contains(address))
            {
                area = a;
                return true;
            }
        }

        throw new InvalidOperationException("model inconsistent");
    }

    public VmFaultResolution Resolve(ulong address, VmProtection access, out VmArea area)
    {
        if (!Find(address, out area))
        {
            return VmFaultResolution.NotMapped;
        }

        if (area.Kind == VmAreaKind.Guard)
        {
            return VmFaultResolution.GuardHit;
        }

        VmProtection needed = access == VmProtection.None ? VmProtection.Read : access;
        if ((area.Protection & needed) != needed)
        {
            return VmFaultResolution.AccessDenied;
        }

        return area.Kind is VmAreaKind.Anonymous or VmAreaKind.Stack ? VmFaultResolution.ZeroFill : VmFaultResolution.NotPresent;
    }
}
