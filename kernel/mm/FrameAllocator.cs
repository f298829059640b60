using System;
using System.Numerics;
using Microkernel.Boot;

namespace Microkernel.Memory;

/// <summary>
/// Hands out 4 KiB physical frames from the usable regions of a normalized memory map.
/// Two bitmaps in caller-provided memory, one bit per frame each: "used" (set = not
/// available) drives allocation, "usable" (set = RAM the map said is free) is fixed at
/// initialization and lets <see cref="Free"/> reject frames that were never the
/// allocator's, so neither a double free nor freeing firmware memory corrupts the state.
/// </summary>
/// <remarks>
/// Frame <c>n</c> is physical address <c>n * 4096</c>; the bitmaps cover frames from 0 to
/// the end of the highest usable region. Frame 0 is never handed out (address 0 stays a
/// "null" physical address).
/// Concurrency seam: not thread-safe yet. Each public mutator (<see cref="TryAllocate"/>,
/// <see cref="TryAllocateContiguous"/>, <see cref="Free"/>, <see cref="MarkUsed"/>) is one
/// critical section, and bitmap/counter writes happen only in <c>Claim</c> and
/// <c>Release</c>; the SMP lock goes around those bodies.
/// </remarks>
public unsafe struct FrameAllocator
{
    /// <summary>Bytes per frame.</summary>
    public const ulong FrameSize = 4096;

    /// <summary>The bitmap is placed at or above this address, leaving low memory for
    /// things that need it (AP trampolines, legacy DMA).</summary>
    public const ulong MinimumBitmapAddress = 0x100000;

    private FrameBitmap _used;
    private FrameBitmap _usable;
    private ulong _totalFrames;
    private ulong _freeFrames;
    private ulong _nextHint;

    /// <summary>Usable frames under management (fixed after initialization).</summary>
    public readonly ulong TotalFrames => _totalFrames;

    /// <summary>Frames currently available; always exact.</summary>
    public readonly ulong FreeFrames => _freeFrames;

    /// <summary>Frames covered by the bitmaps: addresses below
    /// <c>FrameLimit * FrameSize</c> are known to the allocator.</summary>
    public readonly ulong FrameLimit => _used.BitCount;

    /// <summary>Frames needed to cover every usable byte of <paramref name="map"/>.</summary>
    public static ulong FramesToCover(ReadOnlySpan<MemoryRegion> map)
    {
        return MemoryMapBuilder.UsableEnd(map) / FrameSize;
    }

    /// <summary>64-bit words of bitmap memory <see cref="Initialize"/> needs for
    /// <paramref name="frames"/> frames (both bitmaps).</summary>
    public static ulong BitmapWordsFor(ulong frames)
    {
        return 2 * FrameBitmap.WordsFor(frames);
    }

    /// <summary>
    /// Picks where to put <paramref name="bitmapBytes"/> of bitmap: the page-aligned start
    /// of the first usable region (at or above <see cref="MinimumBitmapAddress"/>) with
    /// room for it rounded up to whole frames. The caller maps it, passes it to
    /// <see cref="Initialize"/>, then calls <see cref="MarkUsed"/> on the same range.
    /// </summary>
    public static bool TryPlaceBitmap(ReadOnlySpan<MemoryRegion> map, ulong bitmapBytes, out ulong physicalBase)
    {
        physicalBase = 0;
        if (bitmapBytes == 0 || bitmapBytes > ulong.MaxValue - FrameSize)
        {
            return false;
        }

        ulong needed = AlignUp(bitmapBytes);
        for (int i = 0; i < map.Length; i++)
        {
            MemoryRegion region = map[i];
            if (region.Kind != MemoryKind.Usable || region.IsEmpty || region.Base > ulong.MaxValue - FrameSize)
            {
                continue;
            }

            ulong start = Math.Max(AlignUp(region.Base), MinimumBitmapAddress);
            ulong end = region.End & ~(FrameSize - 1);
            if (end > start && end - start >= needed)
            {
                physicalBase = start;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Takes <paramref name="bitmap"/> (<paramref name="wordCount"/> words, kept for the
    /// allocator's lifetime; see <see cref="BitmapWordsFor"/>) and marks the whole pages of
    /// usable regions free and everything else used. Works on unnormalized maps too: a page
    /// touched by any non-usable region is never free.
    /// </summary>
    public FrameInitStatus Initialize(ulong* bitmap, ulong wordCount, ReadOnlySpan<MemoryRegion> map)
    {
        ulong wanted = FramesToCover(map);
        ulong frames = Math.Min(wanted, (wordCount / 2) * 64);
        _used = new FrameBitmap(bitmap, frames);
        _usable = new FrameBitmap(bitmap + FrameBitmap.WordsFor(frames), frames);
        _nextHint = 0;

        _usable.ClearAll();
        for (int i = 0; i < map.Length; i++)
        {
            MemoryRegion r = map[i];
            if (r.Kind == MemoryKind.Usable && !r.IsEmpty && r.Base <= ulong.MaxValue - FrameSize)
            {
                AssignUsable(AlignUp(r.Base) / FrameSize, r.End / FrameSize, true);
            }
        }

        for (int i = 0; i < map.Length; i++)
        {
            MemoryRegion r = map[i];
            if (r.Kind != MemoryKind.Usable && !r.IsEmpty)
            {
                ulong last = (r.End - 1) / FrameSize; // frame holding the region's last byte
                AssignUsable(r.Base / FrameSize, last + 1, false);
            }
        }

        AssignUsable(0, 1, false);
        _totalFrames = _used.SetToComplementOf(_usable);
        _freeFrames = _totalFrames;

        if (_totalFrames == 0)
        {
            return FrameInitStatus.NoUsableMemory;
        }

        return frames < wanted ? FrameInitStatus.PartialCoverage : FrameInitStatus.Ok;
    }

    /// <summary>
    /// Allocates one frame. Next-fit: the search resumes after the last frame handed out,
    /// scanning 64 frames per word, so a run of allocations is O(1) amortised.
    /// </summary>
    public bool TryAllocate(out ulong physicalAddress)
    {
        physicalAddress = 0;
        if (_freeFrames == 0)
        {
            return false;
        }

        ulong frame = _used.FindClear(_nextHint);
        if (frame == FrameBitmap.NotFound)
        {
            frame = _used.FindClear(0);
            if (frame == FrameBitmap.NotFound)
            {
                return false;
            }
        }

        Claim(frame, 1);
        _nextHint = frame + 1;
        physicalAddress = frame * FrameSize;
        return true;
    }

    /// <summary>
    /// Allocates <paramref name="count"/> physically contiguous frames whose first frame
    /// number is a multiple of <paramref name="alignmentFrames"/> (a power of two; 1 for no
    /// alignment, 512 for a 2 MiB page). First-fit from the bottom, to keep large runs
    /// together. Free the frames one by one with <see cref="Free"/>.
    /// </summary>
    public bool TryAllocateContiguous(ulong count, ulong alignmentFrames, out ulong physicalAddress)
    {
        physicalAddress = 0;
        if (count == 0 || !BitOperations.IsPow2(alignmentFrames) || count > _freeFrames)
        {
            return false;
        }

        ulong limit = _used.BitCount;
        ulong start = 0;
        // Every iteration moves start past a used frame, so the loop ends.
        while (true)
        {
            start = _used.FindClear(start);
            if (start == FrameBitmap.NotFound || start > ulong.MaxValue - alignmentFrames)
            {
                return false;
            }

            start = (start + alignmentFrames - 1) & ~(alignmentFrames - 1);
            if (start >= limit || count > limit - start)
            {
                return false;
            }

            ulong blocker = _used.FindSetInRange(start, count);
            if (blocker == FrameBitmap.NotFound)
            {
                Claim(start, count);
                physicalAddress = start * FrameSize;
                return true;
            }

            if (blocker < start)
            {
                return false; // bitmap contract broken; refuse rather than loop forever
            }

            start = blocker + 1;
        }
    }

    /// <summary>Returns one frame. Fails, changing nothing, for an unaligned address, a
    /// frame beyond the bitmap, a frame that is not usable RAM, or a frame already free.</summary>
    public FrameFreeStatus Free(ulong physicalAddress)
    {
        if ((physicalAddress & (FrameSize - 1)) != 0)
        {
            return FrameFreeStatus.NotAligned;
        }

        ulong frame = physicalAddress / FrameSize;
        if (frame >= _used.BitCount)
        {
            return FrameFreeStatus.OutOfRange;
        }

        if (!_usable.Test(frame))
        {
            return FrameFreeStatus.NotUsableMemory;
        }

        if (!_used.Test(frame))
        {
            return FrameFreeStatus.NotAllocated;
        }

        Release(frame, 1);
        return FrameFreeStatus.Ok;
    }

    /// <summary>
    /// Marks every frame touching <c>[base, base + length)</c> as used (the bitmap itself,
    /// page tables built before the allocator existed). Frames outside the bitmap or not
    /// usable are ignored. Returns how many frames were free and are now used; they can
    /// later be returned with <see cref="Free"/>.
    /// </summary>
    public ulong MarkUsed(ulong baseAddress, ulong length)
    {
        if (length == 0)
        {
            return 0;
        }

        ulong first = baseAddress / FrameSize;
        ulong endByte = length > ulong.MaxValue - baseAddress ? ulong.MaxValue : baseAddress + length - 1;
        ulong end = Math.Min((endByte / FrameSize) + 1, _used.BitCount);
        return first < end ? Claim(first, end - first) : 0;
    }

    /// <summary>True when the frame at <paramref name="physicalAddress"/> is managed and
    /// currently free.</summary>
    public readonly bool IsFree(ulong physicalAddress)
    {
        ulong frame = physicalAddress / FrameSize;
        return frame < _used.BitCount && !_used.Test(frame);
    }

    /// <summary>Sets used bits; returns and accounts for how many were clear.</summary>
    private ulong Claim(ulong first, ulong count)
    {
        ulong claimed = _used.Assign(first, count, true);
        _freeFrames -= claimed;
        return claimed;
    }

    /// <summary>Clears used bits of frames the caller has checked are usable and used.</summary>
    private void Release(ulong first, ulong count)
    {
        _freeFrames += _used.Assign(first, count, false);
    }

    private void AssignUsable(ulong first, ulong end, bool value)
    {
        end = Math.Min(end, _usable.BitCount);
        if (first < end)
        {
            _usable.Assign(first, end - first, value);
        }
    }

    private static ulong AlignUp(ulong value) => (value + FrameSize - 1) & ~(FrameSize - 1);
}
