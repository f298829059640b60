using System;

namespace Microkernel.Memory.Virtual;

/// <summary>Access rights of an area. <see cref="Write"/> and <see cref="Execute"/> are
/// never granted together (W^X): <see cref="AddressSpaceMap"/> refuses such a request with
/// <see cref="VmError.EACCES"/>.</summary>
[Flags]
public enum VmProtection : byte
{
    /// <summary>No access (PROT_NONE).</summary>
    None = 0,

    /// <summary>Readable.</summary>
    Read = 1,

    /// <summary>Writable.</summary>
    Write = 2,

    /// <summary>Executable.</summary>
    Execute = 4,
}

/// <summary>What backs an area: tells the page-fault handler what to do on a miss and the
/// unmap path whether the frames are the kernel's to free.</summary>
public enum VmAreaKind : byte
{
    /// <summary>Private memory, zero-filled on demand; frames are freed on unmap.</summary>
    Anonymous = 0,

    /// <summary>Like <see cref="Anonymous"/>, but reported as a stack in faults; usually
    /// has a <see cref="Guard"/> area directly below it.</summary>
    Stack = 1,

    /// <summary>Reserved and never accessible (protection is always
    /// <see cref="VmProtection.None"/>): a fault in it is a guard hit, such as a stack
    /// overflow. Holds no frames; <see cref="AddressSpaceMap.Protect"/> refuses to grant
    /// it any access.</summary>
    Guard = 2,

    /// <summary>Memory the caller fills at map time (a program image loaded from a
    /// file-less source); frames are the address space's and are freed on unmap. A miss is
    /// not demand-filled.</summary>
    Image = 3,

    /// <summary>Device memory or other frames the address space does not own (MMIO,
    /// shared buffers). The caller maps the frames; on unmap they must not be freed.</summary>
    Device = 4,
}

/// <summary>How <see cref="AddressSpaceMap.Map"/> places a mapping.</summary>
[Flags]
public enum MapFlags : byte
{
    /// <summary>The address is a hint: first fit at or above it, else first fit anywhere
    /// (bottom-up).</summary>
    None = 0,

    /// <summary>Exactly at the address, replacing whatever is mapped there (MAP_FIXED);
    /// each replaced piece goes to the sink's <see cref="IVmRangeSink.Removed"/>.</summary>
    Fixed = 1,

    /// <summary>Exactly at the address; <see cref="VmError.EEXIST"/> if anything is mapped
    /// in the range (MAP_FIXED_NOREPLACE).</summary>
    FixedNoReplace = 2,

    /// <summary>The caller will populate the whole range right after mapping
    /// (MAP_POPULATE). The map only validates it (not allowed on a guard area); it does not
    /// store it, so populated and demand-filled areas still merge.</summary>
    Populate = 4,
}

/// <summary>Result of a map operation, with the values Linux uses for errno.
/// Every failure leaves the map exactly as it was.</summary>
public enum VmError
{
    /// <summary>Success.</summary>
    None = 0,

    /// <summary>Not returned by the map; for callers' policies (a system call layer
    /// refusing a device mapping to an unprivileged task).</summary>
    EPERM = 1,

    /// <summary>No gap is large enough, part of a <see cref="AddressSpaceMap.Protect"/>
    /// range is not mapped, or the node pool cannot hold the result.</summary>
    ENOMEM = 12,

    /// <summary>Write and execute requested together (W^X), or access requested on a guard
    /// area.</summary>
    EACCES = 13,

    /// <summary><see cref="MapFlags.FixedNoReplace"/> and something is mapped in the
    /// range.</summary>
    EEXIST = 17,

    /// <summary>Zero length, unaligned address where one is required, a range that
    /// overflows 2^64 or leaves the map's bounds, unknown flags, protection bits or kind,
    /// or a guard area with access.</summary>
    EINVAL = 22,
}

/// <summary>What the page-fault handler should do, from
/// <see cref="AddressSpaceMap.ResolveFault"/>.</summary>
public enum VmFaultResolution : byte
{
    /// <summary>No area covers the address: a segmentation fault (SEGV_MAPERR).</summary>
    NotMapped = 0,

    /// <summary>The area does not allow the access (SEGV_ACCERR).</summary>
    AccessDenied,

    /// <summary>The address is in a guard area (a stack overflow, a buffer run off its
    /// end).</summary>
    GuardHit,

    /// <summary>Anonymous or stack memory: map a zeroed frame with the area's protection.</summary>
    ZeroFill,

    /// <summary>Image or device memory the caller should have populated: the page is not
    /// demand-filled, so a miss is a fault to report.</summary>
    NotPresent,
}

/// <summary>First broken invariant found by <see cref="AddressSpaceMap.Validate"/>.</summary>
public enum VmMapCheck : byte
{
    /// <summary>Every invariant holds.</summary>
    Ok = 0,

    /// <summary>An area is empty, unaligned, or outside the map's bounds.</summary>
    BadArea,

    /// <summary>Areas are not in increasing, non-overlapping address order.</summary>
    Order,

    /// <summary>Two adjacent areas have identical attributes and were not merged.</summary>
    NotMerged,

    /// <summary>A parent link does not match its child, or a node index is out of range.</summary>
    Link,

    /// <summary>A height is wrong or a subtree is out of AVL balance.</summary>
    Balance,

    /// <summary>A subtree's cached start, end or largest gap is stale.</summary>
    Aggregate,

    /// <summary>Nodes in the tree plus nodes on the free list do not account for the pool,
    /// or the area count or mapped bytes are wrong.</summary>
    Accounting,

    /// <summary>A guard area has access rights, or an area has write and execute.</summary>
    Protection,
}
