using System;

namespace Microkernel.Boot;

/// <summary>Outcome of <see cref="MemoryMapBuilder.Build"/>.</summary>
public enum MemoryMapStatus : byte
{
    /// <summary>The normalized map fits in the destination.</summary>
    Ok = 0,

    /// <summary>The destination filled up; it holds a correct prefix (the lowest
    /// addresses) of the normalized map, and higher memory is missing.</summary>
    DestinationTooSmall,
}

/// <summary>
/// Turns the firmware's raw memory map plus the kernel's own reservations into a
/// normalized map the frame allocator can trust: sorted, non-overlapping, the most
/// restrictive kind winning every overlap (order of <see cref="MemoryKind"/>), equal
/// adjacent kinds merged, and usable ranges shrunk to whole 4 KiB pages.
/// </summary>
/// <remarks>
/// Implemented as a sweep over region boundaries with no sorting and no scratch memory:
/// O(n²) for n input regions, which for the ~150 regions a boot sees is a few tens of
/// thousands of steps, and far easier to trust than an in-place split-and-merge.
/// </remarks>
public static class MemoryMapBuilder
{
    /// <summary>Page size the usable ranges are aligned to.</summary>
    public const ulong PageSize = 4096;

    /// <summary>Memory below this address is always reported <see cref="MemoryKind.Reserved"/>:
    /// it holds the real-mode IVT/BDA and keeps physical address 0 from ever being handed
    /// out, so a null physical pointer can never alias a real frame.</summary>
    public const ulong AlwaysReservedLimit = 0x1000;

    /// <summary>Conventional low-memory limit; pass it as <c>reserveBelow</c> to keep the
    /// first MiB (EBDA, VGA, option ROMs, BIOS) out of the allocator entirely.</summary>
    public const ulong LowMemoryLimit = 0x100000;

    /// <summary>
    /// Builds the normalized map of <paramref name="raw"/> (firmware regions in any order,
    /// possibly overlapping) and <paramref name="reservations"/> (kernel image, boot data,
    /// anything else that must not be allocated, each with its kind) into
    /// <paramref name="destination"/>, which must not overlap either input.
    /// Everything below <c>max(reserveBelow, AlwaysReservedLimit)</c> becomes Reserved.
    /// <paramref name="count"/> receives the number of regions written.
    /// </summary>
    public static MemoryMapStatus Build(
        ReadOnlySpan<MemoryRegion> raw,
        ReadOnlySpan<MemoryRegion> reservations,
        ulong reserveBelow,
        Span<MemoryRegion> destination,
        out int count)
    {
        count = 0;
        var low = new MemoryRegion(0, Math.Max(reserveBelow, AlwaysReservedLimit), MemoryKind.Reserved);
        int total = raw.Length + reservations.Length + 1;

        // Lowest start of any non-empty region.
        ulong cursor = ulong.MaxValue;
        for (int i = 0; i < total; i++)
        {
            MemoryRegion r = Input(raw, reservations, low, i);
            if (!r.IsEmpty && r.Base < cursor)
            {
                cursor = r.Base;
            }
        }

        Pending pending = default;
        while (true)
        {
            // Next boundary above the cursor: the segment [cursor, next) has one kind.
            ulong next = cursor;
            bool found = false;
            bool covered = false;
            MemoryKind kind = MemoryKind.Usable;
            for (int i = 0; i < total; i++)
            {
                MemoryRegion r = Input(raw, reservations, low, i);
                if (r.IsEmpty)
                {
                    continue;
                }

                ulong end = r.End;
                if (r.Base > cursor && (!found || r.Base < next))
                {
                    next = r.Base;
                    found = true;
                }

                if (end > cursor && (!found || end < next))
                {
                    next = end;
                    found = true;
                }

                if (r.Base <= cursor && end > cursor && (!covered || r.Kind > kind))
                {
                    kind = r.Kind;
                    covered = true;
                }
            }

            if (!found)
            {
                break;
            }

            if (covered)
            {
                if (pending.Active && pending.Kind == kind && pending.End == cursor)
                {
                    pending.End = next;
                }
                else
                {
                    if (!Flush(ref pending, destination, ref count))
                    {
                        return MemoryMapStatus.DestinationTooSmall;
                    }

                    pending = new Pending { Active = true, Kind = kind, Base = cursor, End = next };
                }
            }

            cursor = next;
        }

        return Flush(ref pending, destination, ref count) ? MemoryMapStatus.Ok : MemoryMapStatus.DestinationTooSmall;
    }

    /// <summary>Total bytes in <see cref="MemoryKind.Usable"/> regions.</summary>
    public static ulong UsableBytes(ReadOnlySpan<MemoryRegion> map)
    {
        ulong total = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i].Kind == MemoryKind.Usable)
            {
                total += map[i].Length;
            }
        }

        return total;
    }

    /// <summary>Address of the last usable byte (inclusive), or 0 when nothing is usable
    /// (byte 0 is never usable, so 0 is unambiguous).</summary>
    public static ulong HighestUsableAddress(ReadOnlySpan<MemoryRegion> map)
    {
        ulong end = UsableEnd(map);
        return end == 0 ? 0 : end - 1;
    }

    /// <summary>Exclusive end of the highest usable region, or 0 when nothing is usable;
    /// the number of frames a frame allocator must cover is this divided by the page size.</summary>
    public static ulong UsableEnd(ReadOnlySpan<MemoryRegion> map)
    {
        ulong end = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i].Kind == MemoryKind.Usable && !map[i].IsEmpty && map[i].End > end)
            {
                end = map[i].End;
            }
        }

        return end;
    }

    private static MemoryRegion Input(ReadOnlySpan<MemoryRegion> raw, ReadOnlySpan<MemoryRegion> reservations, MemoryRegion low, int index)
    {
        if (index < raw.Length)
        {
            return raw[index];
        }

        index -= raw.Length;
        return index < reservations.Length ? reservations[index] : low;
    }

    /// <summary>Emits the pending run, shrinking usable runs to whole pages (dropping
    /// them if nothing is left). False when the destination is full.</summary>
    private static bool Flush(ref Pending pending, Span<MemoryRegion> destination, ref int count)
    {
        if (!pending.Active)
        {
            return true;
        }

        pending.Active = false;
        ulong start = pending.Base;
        ulong end = pending.End;
        if (pending.Kind == MemoryKind.Usable)
        {
            if (start > ulong.MaxValue - (PageSize - 1))
            {
                return true;
            }

            start = (start + PageSize - 1) & ~(PageSize - 1);
            end &= ~(PageSize - 1);
            if (end <= start)
            {
                return true;
            }
        }

        if (count >= destination.Length)
        {
            return false;
        }

        destination[count++] = MemoryRegion.FromBounds(start, end, pending.Kind);
        return true;
    }

    /// <summary>The run being accumulated by the sweep.</summary>
    private struct Pending
    {
        public bool Active;
        public MemoryKind Kind;
        public ulong Base;
        public ulong End;
    }
}
