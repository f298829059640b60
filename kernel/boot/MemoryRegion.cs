namespace Microkernel.Boot;

/// <summary>
/// What a range of physical memory holds. The declaration order is the overlap priority
/// used by <see cref="MemoryMapBuilder"/>: where ranges of different kinds overlap, the
/// later (more restrictive) kind wins, so memory is only ever handed out when every
/// source agrees it is free RAM.
/// </summary>
public enum MemoryKind : byte
{
    /// <summary>Free RAM the kernel may allocate.</summary>
    Usable = 0,

    /// <summary>RAM holding boot-time data (boot structures, modules, command lines);
    /// free in principle but must survive until the kernel has consumed it.</summary>
    BootData = 1,

    /// <summary>RAM holding the loaded kernel image.</summary>
    KernelImage = 2,

    /// <summary>RAM holding ACPI tables; reusable once the tables have been read.</summary>
    AcpiReclaimable = 3,

    /// <summary>Reserved by firmware or hardware (MMIO, ROM, unknown types).</summary>
    Reserved = 4,

    /// <summary>ACPI non-volatile storage; must be preserved across sleep states.</summary>
    AcpiNvs = 5,

    /// <summary>RAM reported defective; never touched.</summary>
    Bad = 6,
}

/// <summary>
/// A physical address range <c>[Base, Base + Length)</c> of one <see cref="MemoryKind"/>.
/// </summary>
public readonly struct MemoryRegion
{
    /// <summary>First physical address of the range.</summary>
    public readonly ulong Base;

    /// <summary>Size of the range in bytes.</summary>
    public readonly ulong Length;

    /// <summary>What the range holds.</summary>
    public readonly MemoryKind Kind;

    /// <summary>Creates a region from a base address and a length.</summary>
    public MemoryRegion(ulong baseAddress, ulong length, MemoryKind kind)
    {
        Base = baseAddress;
        Length = length;
        Kind = kind;
    }

    /// <summary>Creates a region from <c>[start, end)</c>; an inverted range becomes empty.</summary>
    public static MemoryRegion FromBounds(ulong start, ulong end, MemoryKind kind)
    {
        return new MemoryRegion(start, end > start ? end - start : 0, kind);
    }

    /// <summary>
    /// Maps an E820 memory type to a <see cref="MemoryKind"/>: RAM 1, reserved 2, ACPI 3,
    /// NVS 4, unusable 5. Multiboot's mmap and PVH's <c>hvm_memmap_table_entry</c> both use
    /// these numbers; every other type (PVH's disabled 6 and persistent memory 7 too) is
    /// reserved, because the kernel must not allocate what it does not know.
    /// </summary>
    public static MemoryKind KindFromE820Type(uint type)
    {
        switch (type)
        {
            case 1: return MemoryKind.Usable;
            case 3: return MemoryKind.AcpiReclaimable;
            case 4: return MemoryKind.AcpiNvs;
            case 5: return MemoryKind.Bad;
            default: return MemoryKind.Reserved;
        }
    }

    /// <summary>
    /// Exclusive end address. Saturates at <see cref="ulong.MaxValue"/> instead of wrapping,
    /// so a firmware entry that claims to reach past 2^64 cannot turn into a range that
    /// appears to end near zero.
    /// </summary>
    public ulong End => Length > ulong.MaxValue - Base ? ulong.MaxValue : Base + Length;

    /// <summary>True when the region covers no bytes.</summary>
    public bool IsEmpty => Length == 0;
}
