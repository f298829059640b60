using Microkernel.Boot;
using Microkernel.Console;

namespace Microkernel.Memory;

/// <summary>The machine's RAM as the kernel sees it: the normalised memory map and
/// the frame allocator over its usable part.</summary>
/// <remarks>Reserved from the start: everything below 1 MiB (firmware, and room for
/// the SMP trampoline later), the kernel image, the boot structures and modules, the
/// allocator's own bitmap, and RAM above the boot identity map (not addressable yet).</remarks>
internal static unsafe class PhysicalMemory
{
    private const int MapCapacity = BootInfo.MaxMemoryRegions * 2 + BootInfo.MaxBootReservations + 8;

    [System.Runtime.CompilerServices.InlineArray(MapCapacity)]
    private struct RegionBuffer { private MemoryRegion _element; }

    private static RegionBuffer s_map;
    private static int s_regionCount;

    /// <summary>The frame allocator (4 KiB frames). Kernel code allocates through
    /// <see cref="TryAllocate"/> and <see cref="Free"/>, which lock and account.</summary>
    internal static FrameAllocator Frames;

    private static Sync.SpinLock s_lock;
    private static PurposeCounters s_byPurpose;

    [System.Runtime.CompilerServices.InlineArray((int)FramePurpose.Count)]
    private struct PurposeCounters { private ulong _element; }

    /// <summary>The normalised map.</summary>
    internal static System.ReadOnlySpan<MemoryRegion> Map =>
        System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref s_map[0], s_regionCount);

    /// <summary>Builds the map and the allocator. False (with a log line) when the
    /// map is unusable; the caller panics since nothing can be allocated.</summary>
    internal static bool Initialize(in BootInfo info, ulong kernelStart, ulong kernelEnd)
    {
        System.Span<MemoryRegion> raw = stackalloc MemoryRegion[BootInfo.MaxMemoryRegions];
        int rawCount = info.CopyMemoryMap(raw);

        System.Span<MemoryRegion> reserved = stackalloc MemoryRegion[BootInfo.MaxBootReservations + 2];
        int reservedCount = info.CollectBootReservations(reserved.Slice(2));
        if (reservedCount < 0)
        {
            reservedCount = 0;
        }

        reserved[0] = MemoryRegion.FromBounds(kernelStart, kernelEnd, MemoryKind.KernelImage);
        reserved[1] = new MemoryRegion(IdentityMappedMemory.Limit, ulong.MaxValue - IdentityMappedMemory.Limit, MemoryKind.Reserved);
        reservedCount += 2;

        System.Span<MemoryRegion> map = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref s_map[0], MapCapacity);
        MemoryMapStatus status = MemoryMapBuilder.Build(raw.Slice(0, rawCount), reserved.Slice(0, reservedCount),
            MemoryMapBuilder.LowMemoryLimit, map, out s_regionCount);
        if (status != MemoryMapStatus.Ok)
        {
            Log.Write(LogLevel.Error, "mm"u8, "the memory map could not be normalised"u8);
            return false;
        }

        ulong words = FrameAllocator.BitmapWordsFor(FrameAllocator.FramesToCover(Map));
        if (!FrameAllocator.TryPlaceBitmap(Map, words * 8, out ulong bitmap))
        {
            Log.Write(LogLevel.Error, "mm"u8, "no usable region can hold the frame bitmap"u8);
            return false;
        }
        Frames.Initialize((ulong*)bitmap, words, Map);
        Frames.MarkUsed(bitmap, words * 8);

        LogLine line = Log.Begin(LogLevel.Info, "mm"u8);
        line.Decimal(MemoryMapBuilder.UsableBytes(Map) / 1024);
        line.Text(" KiB usable in "u8);
        line.Decimal((long)s_regionCount);
        line.Text(" regions; "u8);
        line.Decimal(Frames.FreeFrames * 4);
        line.Text(" KiB free after the bitmap at "u8);
        line.Address(bitmap);
        line.End();
        return true;
    }

    /// <summary>One frame for <paramref name="purpose"/>; safe from any CPU and from
    /// interrupt handlers (the lock masks interrupts).</summary>
    internal static bool TryAllocate(FramePurpose purpose, out ulong physicalAddress)
    {
        bool interrupts = s_lock.Acquire();
        bool ok = Frames.TryAllocate(out physicalAddress);
        if (ok)
        {
            s_byPurpose[(int)purpose]++;
        }

        s_lock.Release(interrupts);
        return ok;
    }

    /// <summary><paramref name="count"/> contiguous frames aligned to <paramref name="alignmentFrames"/>.</summary>
    internal static bool TryAllocateContiguous(FramePurpose purpose, ulong count, ulong alignmentFrames, out ulong physicalAddress)
    {
        bool interrupts = s_lock.Acquire();
        bool ok = Frames.TryAllocateContiguous(count, alignmentFrames, out physicalAddress);
        if (ok)
        {
            s_byPurpose[(int)purpose] += count;
        }

        s_lock.Release(interrupts);
        return ok;
    }

    /// <summary>Returns a frame; a bad free (double, unaligned, not RAM) is reported and changes nothing.</summary>
    internal static FrameFreeStatus Free(FramePurpose purpose, ulong physicalAddress)
    {
        bool interrupts = s_lock.Acquire();
        FrameFreeStatus status = Frames.Free(physicalAddress);
        if (status == FrameFreeStatus.Ok)
        {
            s_byPurpose[(int)purpose]--;
        }

        s_lock.Release(interrupts);
        return status;
    }

    /// <summary>Frames currently held for <paramref name="purpose"/>.</summary>
    internal static ulong FramesFor(FramePurpose purpose) => s_byPurpose[(int)purpose];

    /// <summary>Free RAM in KiB.</summary>
    internal static ulong TotalKib => Frames.TotalFrames * (FrameAllocator.FrameSize / 1024);

    internal static ulong FreeKib => Frames.FreeFrames * (FrameAllocator.FrameSize / 1024);
}
