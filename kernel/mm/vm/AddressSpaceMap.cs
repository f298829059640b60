using System;

namespace Microkernel.Memory.Virtual;

/// <summary>
/// The virtual memory areas of one address space inside <c>[Lowest, Highest)</c>, with
/// Linux mmap/munmap/mprotect semantics: map anywhere (first fit, bottom-up) or at a fixed
/// address, unmap splitting partly covered areas, re-protect splitting and merging, and
/// lookup for the page-fault handler. Bookkeeping only: every range an operation unmaps or
/// re-protects goes to a caller's <see cref="IVmRangeSink"/>, which updates page tables
/// and frees frames.
/// </summary>
/// <remarks>
/// <para>Areas live in an AVL tree keyed by start address whose nodes come from a pool the
/// caller provides (<see cref="Initialize"/>), addressed by index: no allocation. Each node
/// caches its subtree's largest hole, so a first-fit search is O(log n). Map, Unmap and
/// Protect on a range touching k areas cost O((k + 1) log n); Find is O(log n).</para>
/// <para>Adjacent areas with equal protection, kind and name are always merged, so the
/// areas are exactly the maximal runs of identically attributed pages.</para>
/// <para>Every operation either succeeds or returns an error with the map unchanged and no
/// sink call: it first counts exactly how many areas the result has and fails with
/// <see cref="VmError.ENOMEM"/> if the pool cannot hold them, and it never holds more
/// nodes at once than the larger of before and after.</para>
/// <para>Lengths are rounded up to whole pages, as Linux does. Not thread-safe: each
/// public mutator is one critical section for the address space's lock.</para>
/// </remarks>
public unsafe partial struct AddressSpaceMap
{
    /// <summary>Bytes per page; every area boundary is a multiple.</summary>
    public const ulong PageSize = 4096;

    /// <summary>Returned by internal searches when nothing fits; never a page address.</summary>
    private const ulong NotFound = ulong.MaxValue;

    private const ulong PageMask = PageSize - 1;

    private VmTreeNode* _nodes;
    private int _capacity;
    private int _root;
    private int _free;
    private int _used;
    private ulong _lowest;
    private ulong _highest;
    private ulong _mappedBytes;

    /// <summary>Lowest address an area may start at.</summary>
    public readonly ulong Lowest => _lowest;

    /// <summary>One past the highest address an area may cover.</summary>
    public readonly ulong Highest => _highest;

    /// <summary>Number of areas (= pool nodes in use).</summary>
    public readonly int AreaCount => _used;

    /// <summary>Pool size given to <see cref="Initialize"/>.</summary>
    public readonly int NodeCapacity => _capacity;

    /// <summary>Pool nodes still free.</summary>
    public readonly int FreeNodes => _capacity - _used;

    /// <summary>Total bytes covered by areas (guard areas included).</summary>
    public readonly ulong MappedBytes => _mappedBytes;

    /// <summary>
    /// Makes an empty map over <c>[lowest, highest)</c> with <paramref name="capacity"/>
    /// nodes at <paramref name="pool"/> (kept for the map's lifetime; contents need not be
    /// initialised). <see cref="VmError.EINVAL"/> for unaligned or empty bounds, a negative
    /// capacity, or a null pool with a non-zero capacity.
    /// </summary>
    public VmError Initialize(VmTreeNode* pool, int capacity, ulong lowest, ulong highest)
    {
        if (capacity < 0 || (pool == null && capacity != 0) || ((lowest | highest) & PageMask) != 0 || lowest >= highest)
        {
            return VmError.EINVAL;
        }

        _nodes = pool;
        _capacity = capacity;
        _root = Nil;
        _used = 0;
        _lowest = lowest;
        _highest = highest;
        _mappedBytes = 0;
        for (int i = 0; i < capacity; i++)
        {
            ref VmTreeNode n = ref pool[i];
            n.Height = 0;
            n.Left = Nil;
            n.Parent = Nil;
            n.Right = i + 1 < capacity ? i + 1 : Nil;
        }

        _free = capacity > 0 ? 0 : Nil;
        return VmError.None;
    }

    /// <summary>
    /// Maps <paramref name="length"/> bytes (rounded up to pages) and returns where.
    /// Placement by <paramref name="flags"/>: <see cref="MapFlags.Fixed"/> at
    /// <paramref name="hint"/>, replacing what is there (each replaced piece goes to
    /// <see cref="IVmRangeSink.Removed"/>); <see cref="MapFlags.FixedNoReplace"/> at
    /// <paramref name="hint"/> or <see cref="VmError.EEXIST"/>; otherwise the lowest hole at
    /// or above <paramref name="hint"/> (rounded up to a page), else the lowest anywhere.
    /// The new area merges with identical neighbours.
    /// </summary>
    /// <remarks>Checks, in order: EINVAL for unknown flags or both fixed flags, zero length,
    /// length rounding past 2^64, unknown protection bits or kind, a guard area with access
    /// or <see cref="MapFlags.Populate"/>; EACCES for write with execute; for fixed modes
    /// EINVAL for an unaligned address or a range not inside the bounds, then EEXIST; for
    /// hint-only ENOMEM when no hole fits; last ENOMEM when the pool cannot hold the
    /// result.</remarks>
    public VmError Map<TSink>(ulong hint, ulong length, VmProtection protection, VmAreaKind kind, MapFlags flags, ushort name, ref TSink sink, out ulong address)
        where TSink : struct, IVmRangeSink
    {
        address = 0;
        const MapFlags Known = MapFlags.Fixed | MapFlags.FixedNoReplace | MapFlags.Populate;
        if ((flags & ~Known) != 0 || (flags & (MapFlags.Fixed | MapFlags.FixedNoReplace)) == (MapFlags.Fixed | MapFlags.FixedNoReplace))
        {
            return VmError.EINVAL;
        }

        if (length == 0 || length > ulong.MaxValue - PageMask)
        {
            return VmError.EINVAL;
        }

        length = (length + PageMask) & ~PageMask;
        VmError attributes = CheckProtection(protection);
        if (attributes == VmError.EINVAL)
        {
            return attributes;
        }

        if (kind > VmAreaKind.Device || (kind == VmAreaKind.Guard && (protection != VmProtection.None || (flags & MapFlags.Populate) != 0)))
        {
            return VmError.EINVAL;
        }

        if (attributes != VmError.None)
        {
            return attributes;
        }

        ulong start;
        if ((flags & (MapFlags.Fixed | MapFlags.FixedNoReplace)) != 0)
        {
            if ((hint & PageMask) != 0 || hint < _lowest || hint > _highest || _highest - hint < length)
            {
                return VmError.EINVAL;
            }

            start = hint;
            if ((flags & MapFlags.FixedNoReplace) != 0)
            {
                int overlap = FirstEndingAbove(start);
                if (overlap != Nil && _nodes[overlap].Start < start + length)
                {
                    return VmError.EEXIST;
                }
            }
        }
        else
        {
            start = FindFreeRange(hint, length);
            if (start == NotFound)
            {
                return VmError.ENOMEM;
            }
        }

        var edit = new Edit(EditKind.Map, start, start + length, new VmArea(start, start + length, protection, kind, name));
        VmError status = Commit(in edit, ref sink);
        if (status == VmError.None)
        {
            address = start;
        }

        return status;
    }

    /// <summary>
    /// Unmaps every page of <c>[address, address + length)</c> (length rounded up to
    /// pages), splitting areas that stick out of the range; each removed piece goes to
    /// <see cref="IVmRangeSink.Removed"/>. Holes in the range are not an error. EINVAL for
    /// an unaligned address, zero length, a range past 2^64 or outside the bounds; ENOMEM
    /// when splitting one area in two needs a node and the pool has none (as munmap can).
    /// </summary>
    public VmError Unmap<TSink>(ulong address, ulong length, ref TSink sink)
        where TSink : struct, IVmRangeSink
    {
        VmError status = CheckRange(address, length, out ulong end);
        if (status != VmError.None)
        {
            return status;
        }

        if (address < _lowest || end > _highest)
        {
            return VmError.EINVAL;
        }

        var edit = new Edit(EditKind.Unmap, address, end, default);
        return Commit(in edit, ref sink);
    }

    /// <summary>
    /// Sets the protection of every page of <c>[address, address + length)</c> (length
    /// rounded up), splitting areas at the range edges and merging neighbours that become
    /// identical; each piece whose protection changes goes to
    /// <see cref="IVmRangeSink.ProtectionChanged"/>.
    /// </summary>
    /// <remarks>Checks, in order: EINVAL for an unaligned address, zero length, a range past
    /// 2^64 or unknown protection bits; EACCES for write with execute (W^X); ENOMEM when any
    /// page of the range is not mapped (nothing changes, unlike Linux, which may have changed
    /// a prefix); EACCES when the range holds a guard area and the protection is not
    /// <see cref="VmProtection.None"/>; ENOMEM when the pool cannot hold the result.</remarks>
    public VmError Protect<TSink>(ulong address, ulong length, VmProtection protection, ref TSink sink)
        where TSink : struct, IVmRangeSink
    {
        VmError status = CheckRange(address, length, out ulong end);
        if (status != VmError.None)
        {
            return status;
        }

        status = CheckProtection(protection);
        if (status != VmError.None)
        {
            return status;
        }

        // The whole range must be mapped: walk the areas covering it without gaps.
        bool guard = false;
        int n = FirstEndingAbove(address);
        if (n == Nil || _nodes[n].Start > address)
        {
            return VmError.ENOMEM;
        }

        while (true)
        {
            guard |= _nodes[n].Kind == VmAreaKind.Guard;
            ulong covered = _nodes[n].End;
            if (covered >= end)
            {
                break;
            }

            n = Successor(n);
            if (n == Nil || _nodes[n].Start != covered)
            {
                return VmError.ENOMEM;
            }
        }

        if (guard && protection != VmProtection.None)
        {
            return VmError.EACCES;
        }

        var edit = new Edit(EditKind.Protect, address, end, new VmArea(address, end, protection, VmAreaKind.Anonymous, 0));
        return Commit(in edit, ref sink);
    }

    /// <summary>The area containing <paramref name="address"/>, if any. O(log n).</summary>
    public readonly bool Find(ulong address, out VmArea area)
    {
        int n = FirstEndingAbove(address);
        if (n != Nil && _nodes[n].Start <= address)
        {
            area = AreaOf(n);
            return true;
        }

        area = default;
        return false;
    }

    /// <summary>The lowest area ending above <paramref name="address"/>: the one containing
    /// it, else the next one up (for walking areas from an address). O(log n).</summary>
    public readonly bool FindNext(ulong address, out VmArea area)
    {
        int n = FirstEndingAbove(address);
        if (n != Nil)
        {
            area = AreaOf(n);
            return true;
        }

        area = default;
        return false;
    }

    /// <summary>
    /// What the page-fault handler should do for an <paramref name="access"/> (one of
    /// Read, Write, Execute; None counts as Read) at <paramref name="address"/>, with the
    /// area for the report. A guard area wins over access checks; then the area must allow
    /// the access; then anonymous and stack memory are zero-filled on demand and image or
    /// device memory is not.
    /// </summary>
    public readonly VmFaultResolution ResolveFault(ulong address, VmProtection access, out VmArea area)
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

        return area.Kind == VmAreaKind.Anonymous || area.Kind == VmAreaKind.Stack
            ? VmFaultResolution.ZeroFill
            : VmFaultResolution.NotPresent;
    }

    /// <summary>Copies the areas in address order into <paramref name="destination"/>, as
    /// many as fit; returns how many were copied. O(n).</summary>
    public readonly int CopyTo(Span<VmArea> destination)
    {
        int count = 0;
        for (int n = Leftmost(_root); n != Nil && count < destination.Length; n = Successor(n))
        {
            destination[count++] = AreaOf(n);
        }

        return count;
    }

    /// <summary>Walks the areas in address order (call <c>MoveNext</c> in a loop). The map
    /// must not change during the walk.</summary>
    public readonly VmAreaEnumerator GetEnumerator() => new VmAreaEnumerator(_nodes, Leftmost(_root));

    /// <summary>Checks every structural invariant (order, merging, AVL balance, parent
    /// links, cached summaries, pool accounting, W^X) in O(n); for tests and debug builds.</summary>
    public readonly VmMapCheck Validate()
    {
        ulong mapped = 0;
        int count = 0;
        ulong previousEnd = 0;
        bool hasPrevious = false;
        VmArea previous = default;
        if (_root != Nil && (_root < 0 || _root >= _capacity || _nodes[_root].Parent != Nil))
        {
            return VmMapCheck.Link;
        }

        VmMapCheck subtree = CheckSubtree(_root);
        if (subtree != VmMapCheck.Ok)
        {
            return subtree;
        }

        for (int n = Leftmost(_root); n != Nil; n = Successor(n))
        {
            VmArea area = AreaOf(n);
            if (area.Start >= area.End || ((area.Start | area.End) & PageMask) != 0 || area.Start < _lowest || area.End > _highest)
            {
                return VmMapCheck.BadArea;
            }

            if (hasPrevious && area.Start < previousEnd)
            {
                return VmMapCheck.Order;
            }

            if (hasPrevious && area.Start == previousEnd && area.SameAttributes(in previous))
            {
                return VmMapCheck.NotMerged;
            }

            if (CheckProtection(area.Protection) != VmError.None || (area.Kind == VmAreaKind.Guard && area.Protection != VmProtection.None))
            {
                return VmMapCheck.Protection;
            }

            previous = area;
            previousEnd = area.End;
            hasPrevious = true;
            mapped += area.Length;
            if (++count > _capacity)
            {
                return VmMapCheck.Accounting;
            }
        }

        int freeCount = 0;
        for (int f = _free; f != Nil; f = _nodes[f].Right)
        {
            if (f < 0 || f >= _capacity || _nodes[f].Height != 0 || ++freeCount > _capacity)
            {
                return VmMapCheck.Accounting;
            }
        }

        if (count != _used || freeCount != _capacity - _used || mapped != _mappedBytes)
        {
            return VmMapCheck.Accounting;
        }

        return VmMapCheck.Ok;
    }

    private readonly VmMapCheck CheckSubtree(int index)
    {
        if (index == Nil)
        {
            return VmMapCheck.Ok;
        }

        ref VmTreeNode n = ref _nodes[index];
        int left = n.Left;
        int right = n.Right;
        if ((left != Nil && (left < 0 || left >= _capacity || _nodes[left].Parent != index)) ||
            (right != Nil && (right < 0 || right >= _capacity || _nodes[right].Parent != index)))
        {
            return VmMapCheck.Link;
        }

        VmMapCheck status = CheckSubtree(left);
        if (status == VmMapCheck.Ok)
        {
            status = CheckSubtree(right);
        }

        if (status != VmMapCheck.Ok)
        {
            return status;
        }

        int hl = HeightOf(left);
        int hr = HeightOf(right);
        if (n.Height != 1 + Math.Max(hl, hr) || hl - hr > 1 || hr - hl > 1)
        {
            return VmMapCheck.Balance;
        }

        Summarize(index, out ulong subtreeStart, out ulong subtreeEnd, out ulong maxGap);
        bool same = subtreeStart == n.SubtreeStart && subtreeEnd == n.SubtreeEnd && maxGap == n.MaxGap;
        return same ? VmMapCheck.Ok : VmMapCheck.Aggregate;
    }

    /// <summary>EINVAL for an unaligned address, zero length or a range past 2^64;
    /// otherwise the page-rounded end.</summary>
    private static VmError CheckRange(ulong address, ulong length, out ulong end)
    {
        end = 0;
        if ((address & PageMask) != 0 || length == 0 || length > ulong.MaxValue - PageMask)
        {
            return VmError.EINVAL;
        }

        length = (length + PageMask) & ~PageMask;
        if (length > ulong.MaxValue - address)
        {
            return VmError.EINVAL;
        }

        end = address + length;
        return VmError.None;
    }

    /// <summary>EINVAL for unknown bits, EACCES for write with execute.</summary>
    private static VmError CheckProtection(VmProtection protection)
    {
        if ((protection & ~(VmProtection.Read | VmProtection.Write | VmProtection.Execute)) != 0)
        {
            return VmError.EINVAL;
        }

        const VmProtection Wx = VmProtection.Write | VmProtection.Execute;
        return (protection & Wx) == Wx ? VmError.EACCES : VmError.None;
    }

    /// <summary>First fit for an already page-rounded length: at or above the rounded hint,
    /// else from <see cref="Lowest"/>.</summary>
    private readonly ulong FindFreeRange(ulong hint, ulong length)
    {
        ulong lo = hint > ulong.MaxValue - PageMask ? NotFound : (hint + PageMask) & ~PageMask;
        ulong found = NotFound;
        if (lo != NotFound && lo > _lowest)
        {
            found = FindFreeRangeFrom(lo, length);
        }

        return found != NotFound ? found : FindFreeRangeFrom(_lowest, length);
    }

    private readonly ulong FindFreeRangeFrom(ulong lo, ulong length)
    {
        if (lo >= _highest || _highest - lo < length)
        {
            return NotFound;
        }

        if (_root == Nil)
        {
            return lo;
        }

        ref VmTreeNode root = ref _nodes[_root];
        if (lo < root.SubtreeStart && root.SubtreeStart - lo >= length)
        {
            return lo;
        }

        ulong found = SearchHoles(_root, lo, length);
        if (found != NotFound)
        {
            return found;
        }

        ulong tail = Math.Max(root.SubtreeEnd, lo);
        return _highest - tail >= length ? tail : NotFound;
    }
}

/// <summary>Areas of an <see cref="AddressSpaceMap"/> in address order.</summary>
public unsafe ref struct VmAreaEnumerator
{
    private readonly VmTreeNode* _nodes;
    private int _next;
    private VmArea _current;

    internal VmAreaEnumerator(VmTreeNode* nodes, int first)
    {
        _nodes = nodes;
        _next = first;
        _current = default;
    }

    /// <summary>The area <see cref="MoveNext"/> moved to.</summary>
    public readonly VmArea Current => _current;

    /// <summary>Moves to the next area; false after the last.</summary>
    public bool MoveNext()
    {
        if (_next < 0)
        {
            return false;
        }

        ref VmTreeNode n = ref _nodes[_next];
        _current = new VmArea(n.Start, n.End, n.Protection, n.Kind, n.Name);
        if (n.Right >= 0)
        {
            int i = n.Right;
            while (_nodes[i].Left >= 0)
            {
                i = _nodes[i].Left;
            }

            _next = i;
            return true;
        }

        int index = _next;
        int parent = n.Parent;
        while (parent >= 0 && _nodes[parent].Right == index)
        {
            index = parent;
            parent = _nodes[parent].Parent;
        }

        _next = parent;
        return true;
    }
}
