namespace Microkernel.Memory.Paging;

/// <summary>x86-64 page-table entry bits.</summary>
[System.Flags]
public enum PageFlags : ulong
{
    /// <summary>No bits.</summary>
    None = 0,
    /// <summary>The entry maps something.</summary>
    Present = 1UL << 0,
    /// <summary>Writes allowed.</summary>
    Writable = 1UL << 1,
    /// <summary>Ring 3 may access.</summary>
    User = 1UL << 2,
    /// <summary>Write-through caching.</summary>
    WriteThrough = 1UL << 3,
    /// <summary>Caching disabled (MMIO).</summary>
    CacheDisable = 1UL << 4,
    /// <summary>Set by the CPU on access.</summary>
    Accessed = 1UL << 5,
    /// <summary>Set by the CPU on write.</summary>
    Dirty = 1UL << 6,
    /// <summary>In a PD/PDPT entry: a 2 MiB / 1 GiB page.</summary>
    Huge = 1UL << 7,
    /// <summary>Kept in the TLB across CR3 loads.</summary>
    Global = 1UL << 8,
    /// <summary>Instruction fetches fault (needs EFER.NXE).</summary>
    NoExecute = 1UL << 63,
}

/// <summary>Helpers over raw entries.</summary>
public static class PageEntry
{
    /// <summary>Bits 12..51: the physical address the entry points at.</summary>
    public const ulong AddressMask = 0x000F_FFFF_FFFF_F000UL;

    /// <summary>Permission and cache bits a leaf carries (everything but the address).</summary>
    public const ulong FlagMask = ~AddressMask;

    /// <summary>True when an entry is writable and executable at once (a W^X violation).</summary>
    public static bool IsWritableAndExecutable(ulong entry) =>
        (entry & (ulong)PageFlags.Present) != 0 &&
        (entry & (ulong)PageFlags.Writable) != 0 &&
        (entry & (ulong)PageFlags.NoExecute) == 0;
}
