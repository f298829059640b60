namespace Microkernel.Memory.Paging;

/// <summary>Why a mapping change failed.</summary>
public enum MapStatus : byte
{
    /// <summary>Done.</summary>
    Ok,
    /// <summary>Address or size not aligned to the page size asked for.</summary>
    Misaligned,
    /// <summary>Something is already mapped there (map never replaces silently).</summary>
    AlreadyMapped,
    /// <summary>A large page covers the address; split it first.</summary>
    HugePageInTheWay,
    /// <summary>No frame for an intermediate table.</summary>
    OutOfMemory,
    /// <summary>Nothing mapped at the address.</summary>
    NotMapped,
    /// <summary>The request is writable and executable (W^X).</summary>
    WritableAndExecutable,
    /// <summary>The address is not canonical.</summary>
    NonCanonical,
}

/// <summary>Edits one 4-level page-table hierarchy: maps and unmaps 4 KiB and 2 MiB
/// pages, changes permissions, answers what an address maps to.</summary>
/// <remarks>
/// Invariants it keeps: no leaf is ever writable and executable (requests that would
/// be are refused); intermediate entries are maximally permissive (present, writable,
/// user when a user page lies below) so leaves alone decide access; a table frame
/// is freed when its last entry goes. TLB invalidation is the caller's business
/// (<see cref="Tlb"/>), because the caller knows which CPUs to tell.
/// </remarks>
public unsafe struct PageTableEditor<TMemory> where TMemory : struct, IPageTableMemory
{
    /// <summary>4 KiB.</summary>
    public const ulong SmallPage = 4096;
    /// <summary>2 MiB.</summary>
    public const ulong LargePage = 2 * 1024 * 1024;

    private TMemory _memory;
    private readonly ulong _root;

    /// <summary>Edits the hierarchy whose PML4 is at <paramref name="root"/>.</summary>
    public PageTableEditor(TMemory memory, ulong root)
    {
        _memory = memory;
        _root = root;
    }

    /// <summary>Physical address of the PML4 (what CR3 holds).</summary>
    public readonly ulong Root => _root;

    /// <summary>Maps one page of <paramref name="pageSize"/> (4 KiB or 2 MiB).</summary>
    public MapStatus Map(ulong virtualAddress, ulong physicalAddress, PageFlags flags, ulong pageSize = SmallPage)
    {
        if (!IsCanonical(virtualAddress))
        {
            return MapStatus.NonCanonical;
        }

        if (pageSize != SmallPage && pageSize != LargePage)
        {
            return MapStatus.Misaligned;
        }

        if ((virtualAddress | physicalAddress) % pageSize != 0)
        {
            return MapStatus.Misaligned;
        }

        ulong leafFlags = (ulong)(flags | PageFlags.Present);
        if (PageEntry.IsWritableAndExecutable(leafFlags))
        {
            return MapStatus.WritableAndExecutable;
        }

        bool user = (flags & PageFlags.User) != 0;

        ulong* pdpt = Descend(_memory.Table(_root), Index(virtualAddress, 39), user, out MapStatus status);
        if (pdpt == null)
        {
            return status;
        }

        ulong* pd = Descend(pdpt, Index(virtualAddress, 30), user, out status);
        if (pd == null)
        {
            return status;
        }

        int pdIndex = Index(virtualAddress, 21);
        if (pageSize == LargePage)
        {
            if ((pd[pdIndex] & (ulong)PageFlags.Present) != 0)
            {
                return MapStatus.AlreadyMapped;
            }

            pd[pdIndex] = physicalAddress | leafFlags | (ulong)PageFlags.Huge;
            return MapStatus.Ok;
        }
        ulong* pt = Descend(pd, pdIndex, user, out status);
        if (pt == null)
        {
            return status;
        }

        int ptIndex = Index(virtualAddress, 12);
        if ((pt[ptIndex] & (ulong)PageFlags.Present) != 0)
        {
            return MapStatus.AlreadyMapped;
        }

        pt[ptIndex] = physicalAddress | leafFlags;
        return MapStatus.Ok;
    }

    /// <summary>Removes the 4 KiB page at <paramref name="virtualAddress"/>, returning
    /// what it mapped; frees page tables left empty.</summary>
    public MapStatus Unmap(ulong virtualAddress, out ulong physicalAddress)
    {
        physicalAddress = 0;
        if (!IsCanonical(virtualAddress))
        {
            return MapStatus.NonCanonical;
        }

        if (virtualAddress % SmallPage != 0)
        {
            return MapStatus.Misaligned;
        }

        ulong* pml4 = _memory.Table(_root);
        int i4 = Index(virtualAddress, 39), i3 = Index(virtualAddress, 30), i2 = Index(virtualAddress, 21), i1 = Index(virtualAddress, 12);
        if ((pml4[i4] & (ulong)PageFlags.Present) == 0)
        {
            return MapStatus.NotMapped;
        }

        ulong* pdpt = _memory.Table(pml4[i4] & PageEntry.AddressMask);
        if ((pdpt[i3] & (ulong)PageFlags.Present) == 0)
        {
            return MapStatus.NotMapped;
        }

        if ((pdpt[i3] & (ulong)PageFlags.Huge) != 0)
        {
            return MapStatus.HugePageInTheWay;
        }

        ulong* pd = _memory.Table(pdpt[i3] & PageEntry.AddressMask);
        if ((pd[i2] & (ulong)PageFlags.Present) == 0)
        {
            return MapStatus.NotMapped;
        }

        if ((pd[i2] & (ulong)PageFlags.Huge) != 0)
        {
            return MapStatus.HugePageInTheWay;
        }

        ulong ptPhysical = pd[i2] & PageEntry.AddressMask;
        ulong* pt = _memory.Table(ptPhysical);
        if ((pt[i1] & (ulong)PageFlags.Present) == 0)
        {
            return MapStatus.NotMapped;
        }

        physicalAddress = pt[i1] & PageEntry.AddressMask;
        pt[i1] = 0;
        // Reclaim tables bottom-up while they are empty.
        if (IsEmpty(pt))
        {
            pd[i2] = 0;
            _memory.FreeTable(ptPhysical);
            ulong pdPhysical = pdpt[i3] & PageEntry.AddressMask;
            if (IsEmpty(pd))
            {
                pdpt[i3] = 0;
                _memory.FreeTable(pdPhysical);
                ulong pdptPhysical = pml4[i4] & PageEntry.AddressMask;
                if (IsEmpty(pdpt))
                {
                    pml4[i4] = 0;
                    _memory.FreeTable(pdptPhysical);
                }
            }
        }
        return MapStatus.Ok;
    }

    /// <summary>Turns the 2 MiB page covering <paramref name="virtualAddress"/> into 512
    /// 4 KiB pages with the same permissions, so part of it can change. Nothing to do
    /// (Ok) when the address is already mapped with small pages.</summary>
    public MapStatus SplitLargePage(ulong virtualAddress)
    {
        ulong* entry = FindLeaf(virtualAddress, out ulong pageSize);
        if (entry == null)
        {
            return MapStatus.NotMapped;
        }

        if (pageSize == SmallPage)
        {
            return MapStatus.Ok;
        }

        if (pageSize != LargePage)
        {
            return MapStatus.HugePageInTheWay;
        }

        if (!_memory.TryAllocateTable(out ulong tableFrame))
        {
            return MapStatus.OutOfMemory;
        }

        ulong* table = _memory.Table(tableFrame);
        ulong large = *entry;
        ulong baseAddress = large & PageEntry.AddressMask & ~(LargePage - 1);
        ulong flags = large & PageEntry.FlagMask & ~(ulong)PageFlags.Huge;
        for (int i = 0; i < 512; i++)
        {
            table[i] = (baseAddress + (ulong)i * SmallPage) | flags;
        }
        // One store replaces the large mapping; the caller invalidates the 2 MiB range.
        *entry = tableFrame | (ulong)(PageFlags.Present | PageFlags.Writable) | (large & (ulong)PageFlags.User);
        return MapStatus.Ok;
    }

    /// <summary>Replaces the permission bits of the page mapping <paramref name="virtualAddress"/>.</summary>
    public MapStatus Protect(ulong virtualAddress, PageFlags flags)
    {
        ulong* entry = FindLeaf(virtualAddress, out _);
        if (entry == null)
        {
            return MapStatus.NotMapped;
        }

        ulong leafFlags = (ulong)(flags | PageFlags.Present);
        if (PageEntry.IsWritableAndExecutable(leafFlags))
        {
            return MapStatus.WritableAndExecutable;
        }

        ulong keep = *entry & (PageEntry.AddressMask | (ulong)PageFlags.Huge);
        *entry = keep | leafFlags;
        return MapStatus.Ok;
    }

    /// <summary>The leaf entry for an address (0 when unmapped) and its page size.</summary>
    public ulong Query(ulong virtualAddress, out ulong pageSize)
    {
        ulong* entry = FindLeaf(virtualAddress, out pageSize);
        return entry == null ? 0 : *entry;
    }

    /// <summary>Translates a virtual address, or returns false when unmapped.</summary>
    public bool TryTranslate(ulong virtualAddress, out ulong physicalAddress)
    {
        ulong entry = Query(virtualAddress, out ulong pageSize);
        physicalAddress = (entry & PageEntry.AddressMask & ~(pageSize - 1)) + (virtualAddress & (pageSize - 1));
        return entry != 0;
    }

    /// <summary>Counts leaves that are writable and executable (must stay 0), over the
    /// whole hierarchy.</summary>
    public readonly int CountWritableExecutableLeaves()
    {
        TMemory memory = _memory;
        return CountWx(ref memory, _root, 4);
    }

    private static int CountWx(ref TMemory memory, ulong table, int level)
    {
        ulong* entries = memory.Table(table);
        int count = 0;
        for (int i = 0; i < 512; i++)
        {
            ulong e = entries[i];
            if ((e & (ulong)PageFlags.Present) == 0)
            {
                continue;
            }

            bool leaf = level == 1 || (level <= 3 && (e & (ulong)PageFlags.Huge) != 0);
            if (leaf)
            {
                if (PageEntry.IsWritableAndExecutable(e))
                {
                    count++;
                }
            }
            else
            {
                count += CountWx(ref memory, e & PageEntry.AddressMask, level - 1);
            }
        }
        return count;
    }

    private ulong* FindLeaf(ulong virtualAddress, out ulong pageSize)
    {
        pageSize = 0;
        if (!IsCanonical(virtualAddress))
        {
            return null;
        }

        ulong* table = _memory.Table(_root);
        for (int level = 4; level >= 1; level--)
        {
            ulong* entry = &table[Index(virtualAddress, 12 + 9 * (level - 1))];
            if ((*entry & (ulong)PageFlags.Present) == 0)
            {
                return null;
            }

            if (level == 1 || (level <= 3 && (*entry & (ulong)PageFlags.Huge) != 0))
            {
                pageSize = level == 1 ? SmallPage : level == 2 ? LargePage : 1UL << 30;
                return entry;
            }
            table = _memory.Table(*entry & PageEntry.AddressMask);
        }
        return null;
    }

    private ulong* Descend(ulong* table, int index, bool user, out MapStatus status)
    {
        status = MapStatus.Ok;
        ulong entry = table[index];
        if ((entry & (ulong)PageFlags.Present) != 0)
        {
            if ((entry & (ulong)PageFlags.Huge) != 0) { status = MapStatus.HugePageInTheWay; return null; }
            if (user)
            {
                table[index] = entry | (ulong)PageFlags.User;
            }

            return _memory.Table(entry & PageEntry.AddressMask);
        }
        if (!_memory.TryAllocateTable(out ulong frame)) { status = MapStatus.OutOfMemory; return null; }
        table[index] = frame | (ulong)(PageFlags.Present | PageFlags.Writable) | (user ? (ulong)PageFlags.User : 0);
        return _memory.Table(frame);
    }

    private static bool IsEmpty(ulong* table)
    {
        for (int i = 0; i < 512; i++)
        {
            if (table[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static int Index(ulong address, int shift) => (int)((address >> shift) & 511);

    /// <summary>Bits 48..63 must copy bit 47.</summary>
    public static bool IsCanonical(ulong address)
    {
        ulong top = address >> 47;
        return top == 0 || top == 0x1FFFF;
    }
}
