namespace Microkernel.Memory.Heap;

/// <summary>Outcome of <c>SlabHeap.Initialize</c>.</summary>
public enum HeapInitStatus
{
    /// <summary>The heap is ready.</summary>
    Ok,

    /// <summary>The CPU count is 0 or above <see cref="HeapLayout.MaxCpus"/>.</summary>
    InvalidCpuCount,

    /// <summary>Caller storage is smaller than <c>MetadataBytes(cpuCount)</c>.</summary>
    StorageTooSmall,

    /// <summary>Caller storage is not 64-byte aligned.</summary>
    StorageMisaligned,

    /// <summary>The page source could not supply the metadata pages.</summary>
    OutOfMemory,
}

/// <summary>Outcome of <c>SlabHeap.Free</c>. Every status but <see cref="Ok"/> changed nothing.</summary>
public enum HeapFreeStatus
{
    /// <summary>The block was live and is now free.</summary>
    Ok,

    /// <summary>The pointer was null (nothing to do).</summary>
    NullPointer,

    /// <summary>The block is already free (a double free), or its slab was trimmed.</summary>
    DoubleFree,

    /// <summary>The pointer lies in no slab or large block of this heap.</summary>
    Foreign,

    /// <summary>The pointer lies inside this heap's memory but is not the start of a block
    /// (an interior pointer or a pointer into a header).</summary>
    NotBlockStart,
}
