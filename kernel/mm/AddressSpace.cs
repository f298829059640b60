using Microkernel.Memory.Paging;
using Microkernel.Memory.Virtual;

namespace Microkernel.Memory;

/// <summary>One address space: its areas (<see cref="AddressSpaceMap"/>), its page
/// tables, and the frames behind its pages. Linux mmap semantics; anonymous memory
/// is zero-filled on first touch by <see cref="HandlePageFault"/>.</summary>
/// <remarks>
/// Layout: PML4 entry 0 (the first 512 GiB) is the kernel's and is shared with the
/// kernel's own tables, so kernel code, data and the direct map are present in every
/// space; areas live in [<see cref="UserLowest"/>, <see cref="UserHighest"/>), which
/// never touches that entry, so tearing a space down can never free a kernel table.
/// Invariants: a present page lies inside an area and carries exactly the area's
/// protection (plus User); every present page owns one Anonymous frame; no page is
/// writable and executable (the map refuses W+X, the editor double-checks).
/// Not SMP-aware yet: a space is edited only by the CPU that runs it, and TLB
/// invalidation goes through <see cref="Tlb"/> (where shootdown will be added).
/// </remarks>
internal sealed unsafe class AddressSpace
{
    /// <summary>Lowest address an area may use: 512 GiB, just above the kernel's entry.</summary>
    internal const ulong UserLowest = 0x0000_0080_0000_0000UL;
    /// <summary>End of the lower canonical half, minus a page.</summary>
    internal const ulong UserHighest = 0x0000_7FFF_FFFF_F000UL;

    private const int NodeCapacity = 1024;

    private AddressSpaceMap _map;
    private PageTableEditor<FrameTableMemory> _tables;
    private VmTreeNode* _nodes;
    private ulong _nodeFrames;
    private ulong _nodeRegion;

    /// <summary>The space whose tables CR3 holds, or null for the kernel's own.</summary>
    internal static AddressSpace? Current;

    /// <summary>Pages filled on first touch.</summary>
    internal ulong DemandFaults;
    /// <summary>Frames currently backing this space's pages.</summary>
    internal ulong ResidentPages;

    /// <summary>Physical address of the PML4.</summary>
    internal ulong Root => _tables.Root;

    /// <summary>The areas, for inspection and tests.</summary>
    internal ref AddressSpaceMap Areas => ref _map;

    private AddressSpace() { }

    /// <summary>A new, empty space sharing the kernel's mappings; null when memory is short.</summary>
    internal static AddressSpace? Create()
    {
        var space = new AddressSpace();
        FrameTableMemory memory = default;
        if (!memory.TryAllocateTable(out ulong root))
        {
            return null;
        }
        // Share the kernel's first-level entry: its tables stay the kernel's.
        ((ulong*)root)[0] = ((ulong*)KernelPageTables.Root)[0];
        space._tables = new PageTableEditor<FrameTableMemory>(memory, root);

        space._nodeFrames = ((ulong)(NodeCapacity * sizeof(VmTreeNode)) + 4095) / 4096;
        if (!PhysicalMemory.TryAllocateContiguous(FramePurpose.PageTable, space._nodeFrames, 1, out space._nodeRegion))
        {
            memory.FreeTable(root);
            return null;
        }
        space._nodes = (VmTreeNode*)space._nodeRegion;
        new System.Span<byte>(space._nodes, (int)(space._nodeFrames * 4096)).Clear();
        if (space._map.Initialize(space._nodes, NodeCapacity, UserLowest, UserHighest) != VmError.None)
        {
            space.ReleaseMemory();
            return null;
        }
        return space;
    }

    /// <summary>mmap: creates an area; with <see cref="MapFlags.Populate"/> every page is
    /// backed now (all or nothing: ENOMEM leaves no trace).</summary>
    internal VmError Map(ulong hint, ulong length, VmProtection protection, MapFlags flags, VmAreaKind kind, ushort name, out ulong address)
    {
        var releaser = new PageReleaser(this);
        VmError error = _map.Map(hint, length, protection, kind, flags & (MapFlags.Fixed | MapFlags.FixedNoReplace), name, ref releaser, out address);
        if (error != VmError.None || (flags & MapFlags.Populate) == 0 || kind == VmAreaKind.Guard)
        {
            return error;
        }

        for (ulong page = address; page < address + length; page += 4096)
        {
            if (!BackPage(page, protection))
            {
                Unmap(address, length);
                address = 0;
                return VmError.ENOMEM;
            }
        }
        return VmError.None;
    }

    /// <summary>munmap: removes the range, releasing the frames of its present pages.</summary>
    internal VmError Unmap(ulong address, ulong length)
    {
        var releaser = new PageReleaser(this);
        return _map.Unmap(address, length, ref releaser);
    }

    /// <summary>mprotect: changes the range's protection and that of its present pages.
    /// W+X is refused (EACCES); a range with holes is refused whole (ENOMEM).</summary>
    internal VmError Protect(ulong address, ulong length, VmProtection protection)
    {
        var releaser = new PageReleaser(this);
        return _map.Protect(address, length, protection, ref releaser);
    }

    /// <summary>Maps <paramref name="pages"/> frames starting at physical
    /// <paramref name="physical"/> at the fixed <paramref name="address"/>, read (and
    /// write when <paramref name="writable"/>), never execute. The frames stay their
    /// owner's (a channel, the kernel): the area is of kind Device, and unmapping it
    /// never frees them.</summary>
    internal VmError MapShared(ulong address, ulong physical, ulong pages, bool writable = true)
    {
        VmProtection protection = writable ? VmProtection.Read | VmProtection.Write : VmProtection.Read;
        var releaser = new PageReleaser(this);
        VmError error = _map.Map(address, pages * 4096, protection, VmAreaKind.Device,
            MapFlags.FixedNoReplace, 200, ref releaser, out _);
        if (error != VmError.None)
        {
            return error;
        }

        for (ulong i = 0; i < pages; i++)
        {
            if (_tables.Map(address + i * 4096, physical + i * 4096, ToPageFlags(protection)) != MapStatus.Ok)
            {
                Unmap(address, pages * 4096);
                return VmError.ENOMEM;
            }
        }
        return VmError.None;
    }

    /// <summary>Resolves a page fault in this space: zero-fills an anonymous page on
    /// first touch. False when the access is not allowed (guard page, protection,
    /// no area) or memory is exhausted: the caller reports it.</summary>
    internal bool HandlePageFault(ulong address, ulong errorCode)
    {
        const ulong Present = 1, Write = 1 << 1, Fetch = 1 << 4;
        if ((errorCode & Present) != 0)
        {
            return false; // a protection fault is never fixed by filling
        }

        VmProtection access = (errorCode & Fetch) != 0 ? VmProtection.Execute
            : (errorCode & Write) != 0 ? VmProtection.Write : VmProtection.Read;
        VmFaultResolution resolution = _map.ResolveFault(address, access, out VmArea area);
        if (resolution != VmFaultResolution.ZeroFill && resolution != VmFaultResolution.NotPresent)
        {
            return false;
        }

        if (!BackPage(address & ~4095UL, area.Protection))
        {
            return false;
        }

        DemandFaults++;
        return true;
    }

    /// <summary>Loads this space's tables on this CPU.</summary>
    internal void Activate()
    {
        Arch.Cpu.WriteCr3(_tables.Root);
        Current = this;
    }

    /// <summary>Returns to the kernel's own tables.</summary>
    internal static void ActivateKernel()
    {
        Arch.Cpu.WriteCr3(KernelPageTables.Root);
        Current = null;
    }

    /// <summary>Unmaps everything and gives back every frame and table. The space must
    /// not be active.</summary>
    internal void Destroy()
    {
        if (Current == this)
        {
            ActivateKernel();
        }

        Unmap(UserLowest, UserHighest - UserLowest);
        ReleaseMemory();
    }

    private void ReleaseMemory()
    {
        if (_nodeRegion != 0)
        {
            for (ulong f = 0; f < _nodeFrames; f++)
            {
                PhysicalMemory.Free(FramePurpose.PageTable, _nodeRegion + f * 4096);
            }
        }

        _nodeRegion = 0;
        ((ulong*)_tables.Root)[0] = 0;
        FrameTableMemory memory = default;
        memory.FreeTable(_tables.Root);
    }

    private bool BackPage(ulong page, VmProtection protection)
    {
        if (_tables.Query(page, out _) != 0)
        {
            return true; // populated already
        }

        if (!PhysicalMemory.TryAllocate(FramePurpose.Anonymous, out ulong frame))
        {
            return false;
        }

        new System.Span<byte>((void*)frame, 4096).Clear();
        if (_tables.Map(page, frame, ToPageFlags(protection)) != MapStatus.Ok)
        {
            PhysicalMemory.Free(FramePurpose.Anonymous, frame);
            return false;
        }
        ResidentPages++;
        return true;
    }

    private static PageFlags ToPageFlags(VmProtection protection)
    {
        PageFlags flags = PageFlags.User;
        if ((protection & VmProtection.Write) != 0)
        {
            flags |= PageFlags.Writable;
        }

        if ((protection & VmProtection.Execute) == 0)
        {
            flags |= PageFlags.NoExecute;
        }

        return flags;
    }

    private void ReleaseRange(ulong start, ulong end, bool ownsFrames)
    {
        for (ulong page = start; page < end; page += 4096)
        {
            if (_tables.Unmap(page, out ulong frame) != MapStatus.Ok)
            {
                continue; // never touched
            }

            if (ownsFrames)
            {
                PhysicalMemory.Free(FramePurpose.Anonymous, frame);
                ResidentPages--;
            }
            if (Current == this)
            {
                Tlb.Invalidate(page);
            }
        }
    }

    private void ReprotectRange(ulong start, ulong end, VmProtection protection)
    {
        PageFlags flags = ToPageFlags(protection);
        for (ulong page = start; page < end; page += 4096)
        {
            if (_tables.Protect(page, flags) == MapStatus.Ok && Current == this)
            {
                Tlb.Invalidate(page);
            }
        }
    }

    /// <summary>Applies the map's edits to the page tables: the map reports, this acts.</summary>
    private struct PageReleaser : IVmRangeSink
    {
        private readonly AddressSpace _space;
        internal PageReleaser(AddressSpace space) { _space = space; }
        // Device areas map someone else's frames (channel rings): unmap, never free.
        public readonly void Removed(in VmArea area) => _space.ReleaseRange(area.Start, area.End, area.Kind != VmAreaKind.Device);
        public readonly void ProtectionChanged(in VmArea area, VmProtection newProtection) =>
            _space.ReprotectRange(area.Start, area.End, newProtection);
    }
}
