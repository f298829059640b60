namespace Microkernel.Memory;

/// <summary>Outcome of <see cref="FrameAllocator.Free"/>. Every failure leaves the
/// allocator unchanged, so a buggy caller cannot corrupt the accounting.</summary>
public enum FrameFreeStatus : byte
{
    /// <summary>The frame is free again.</summary>
    Ok = 0,

    /// <summary>The address is not 4 KiB aligned.</summary>
    NotAligned,

    /// <summary>The address is beyond the frames the allocator covers.</summary>
    OutOfRange,

    /// <summary>The frame is covered but is not usable RAM (firmware-reserved, kernel
    /// image, boot data): it was never the allocator's to give out.</summary>
    NotUsableMemory,

    /// <summary>The frame is already free: a double free.</summary>
    NotAllocated,
}

/// <summary>Outcome of <see cref="FrameAllocator.Initialize"/>.</summary>
public enum FrameInitStatus : byte
{
    /// <summary>Every usable frame of the map is managed.</summary>
    Ok = 0,

    /// <summary>The bitmap covers fewer frames than the map's usable memory reaches;
    /// frames past the bitmap are ignored (never handed out). The allocator works.</summary>
    PartialCoverage,

    /// <summary>The map has no usable frame the bitmap covers; every allocation fails.</summary>
    NoUsableMemory,
}
