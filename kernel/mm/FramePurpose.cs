namespace Microkernel.Memory;

/// <summary>What a physical frame is used for; <see cref="PhysicalMemory"/> keeps a
/// count per purpose so the store can show where memory went.</summary>
internal enum FramePurpose : byte
{
    /// <summary>The early kernel heap's chunks.</summary>
    KernelHeap,
    /// <summary>Page-table pages.</summary>
    PageTable,
    /// <summary>Kernel stacks (and their guard pages).</summary>
    KernelStack,
    /// <summary>Anonymous memory of address spaces (demand-zero pages).</summary>
    Anonymous,
    /// <summary>Slab pages of the kernel object allocator.</summary>
    Slab,
    /// <summary>Frames taken by tests.</summary>
    Test,
    /// <summary>Number of purposes (not a purpose).</summary>
    Count,
}
