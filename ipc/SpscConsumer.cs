using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Microkernel.Ipc;

/// <summary>
/// The reading side of an <see cref="SpscRing"/>. Exactly one thread owns a consumer. Records
/// are read in place (<see cref="TryPeek"/>), consumed privately (<see cref="Advance"/>) and
/// handed back to the producer in batches (<see cref="Release"/>), so a batch costs one release
/// store.
/// </summary>
/// <remarks>
/// Hostile-peer rule: the consumer keeps its own head privately and takes only the record
/// prefixes from shared memory (and the tail once, when attaching). A prefix is read exactly
/// once, as one 64-bit load, into a local and checked before use: its stamp must be the one
/// for our head (otherwise the record is simply not published yet), its length within the
/// maximum, the record must not cross the end of the data area, and padding never sits at
/// position 0. Any violation turns the consumer into the sticky <see cref="RingStatus.Corrupt"/>
/// state. Work is bounded: one padding skip per peek, and since a stamp names one lap, a region
/// the peer stops writing yields at most one lap of records.
/// A payload span points into shared memory: the peer may still change its bytes, so decoders
/// must treat them as untrusted (ours do: every read is bounds-checked against the span).
/// </remarks>
public sealed unsafe class SpscConsumer : SpscRingEnd
{
    /// <summary>Private head: start of the next unconsumed record.</summary>
    private ulong _head;

    /// <summary>Index just past the peeked record; valid when <see cref="_peeked"/>.</summary>
    private ulong _peekEnd;
    private bool _peeked;

    /// <summary>
    /// Attaches to a region prepared by <see cref="SpscRing.Initialize"/>. A bad region length
    /// gives <see cref="RingStatus.InvalidArgument"/>; inconsistent indices give
    /// <see cref="RingStatus.Corrupt"/>.
    /// </summary>
    public SpscConsumer(byte* region, int regionLength)
        : base(region, regionLength, out ulong head, out _)
    {
        // The tail is only checked by the attach: from now on records announce themselves.
        _head = head;
    }

    /// <summary>Private read index (start of the next unconsumed record); for tests and diagnostics.</summary>
    public ulong Head => _head;

    /// <summary>
    /// Returns the next record without consuming it. The span stays valid (the producer cannot
    /// reuse its bytes) until the record is consumed with <see cref="Advance"/> and then handed
    /// back with <see cref="Release"/>.
    /// </summary>
    /// <returns>Ok, Empty or Corrupt.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RingStatus TryPeek(out ReadOnlySpan<byte> payload)
    {
        // Fast path, inlined into callers: empty (the stamp is not this lap's), or a published
        // non-padding record that passes the checks. Padding and anything wrong go the slow
        // way. _corrupt is tested first so a corrupt consumer never touches the region.
        if (!_corrupt)
        {
            ulong position = _head & _mask;
            // Acquire: the payload bytes the producer wrote before this prefix are visible after it.
            ulong prefix = Volatile.Read(ref *(ulong*)(_data + position));
            if ((uint)(prefix >> 32) != SpscRing.StampOf(_head))
            {
                // Every wake-up ends with a poll that finds nothing: answered here, not by a call.
                payload = default;
                return RingStatus.Empty;
            }

            uint length = (uint)prefix;
            if (length <= (uint)_maxPayload)
            {
                ulong record = SpscRing.RecordBytes((int)length);
                if (record <= (ulong)_capacity - position)
                {
                    _peekEnd = _head + record;
                    _peeked = true;
                    payload = new ReadOnlySpan<byte>(_data + position + SpscRing.PrefixBytes, (int)length);
                    return RingStatus.Ok;
                }
            }
        }

        return TryPeekSlow(out payload);
    }

    private RingStatus TryPeekSlow(out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (_corrupt)
        {
            return Status;
        }

        ulong position = _head & _mask;
        // One 64-bit read of the prefix into a local: the peer may rewrite it while we look.
        ulong prefix = Volatile.Read(ref *(ulong*)(_data + position));
        if ((uint)(prefix >> 32) != SpscRing.StampOf(_head))
        {
            return RingStatus.Empty; // not published yet (or never will be: indistinguishable, and harmless)
        }

        uint length = (uint)prefix;
        if (length == SpscRing.PaddingMarker)
        {
            // A producer pads only when a record does not fit before the end, so padding at
            // position 0 is impossible; rejecting it also bounds this method to one skip.
            if (position == 0)
            {
                MarkCorrupt();
                return Status;
            }

            // The padding is consumed even if its successor is not published yet.
            _head += (ulong)_capacity - position;
            position = 0;
            prefix = Volatile.Read(ref *(ulong*)_data);
            if ((uint)(prefix >> 32) != SpscRing.StampOf(_head))
            {
                return RingStatus.Empty;
            }

            length = (uint)prefix;
        }

        // Padding right after padding fails here too (the marker exceeds every maximum).
        if (length > (uint)_maxPayload)
        {
            MarkCorrupt();
            return Status;
        }

        ulong record = SpscRing.RecordBytes((int)length);
        if (record > (ulong)_capacity - position)
        {
            MarkCorrupt();
            return Status;
        }

        _peekEnd = _head + record;
        _peeked = true;
        payload = new ReadOnlySpan<byte>(_data + position + SpscRing.PrefixBytes, (int)length);
        return RingStatus.Ok;
    }

    /// <summary>Consumes the record returned by the last successful <see cref="TryPeek"/>.</summary>
    /// <returns>Ok; InvalidArgument if nothing was peeked; Corrupt.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RingStatus Advance()
    {
        if (_corrupt)
        {
            return Status;
        }

        if (!_peeked)
        {
            return RingStatus.InvalidArgument;
        }

        _head = _peekEnd;
        _peeked = false;
        return RingStatus.Ok;
    }

    /// <summary>
    /// Hands every consumed record back to the producer. A release store: our reads of those
    /// records complete before the producer can see (acquire) that it may overwrite them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release()
    {
        if (!_corrupt)
        {
            Volatile.Write(ref *(ulong*)(_region + SpscRing.HeadOffset), _head);
        }
    }

    /// <summary>Copies the next record into <paramref name="destination"/>, consumes and releases it.</summary>
    /// <returns>Ok; Empty; TooLarge when the destination is too small (the record stays queued); Corrupt.</returns>
    public RingStatus TryRead(Span<byte> destination, out int length)
    {
        length = 0;
        RingStatus status = TryPeek(out ReadOnlySpan<byte> payload);
        if (status != RingStatus.Ok)
        {
            return status;
        }

        if (payload.Length > destination.Length)
        {
            _peeked = false;
            return RingStatus.TooLarge;
        }

        payload.CopyTo(destination);
        length = payload.Length;
        Advance();
        Release();
        return RingStatus.Ok;
    }

    /// <summary>
    /// First half of blocking: releases consumed records, announces "sleeping", then looks for
    /// a published record once more. Returns Empty when the caller may block (any producer that publishes from
    /// now on will see the flag and wake us), Ok when data arrived meanwhile (the flag is cleared
    /// again and the caller should keep reading), or Corrupt. After waking call <see cref="ClearSleeping"/>.
    /// The flag store uses an interlocked exchange because it must be ordered before the prefix
    /// load that follows (store-load ordering); the producer mirrors this with a full fence.
    /// </summary>
    public RingStatus PrepareToSleep()
    {
        if (_corrupt)
        {
            return Status;
        }

        Release();
        Interlocked.Exchange(ref *(int*)(_region + SpscRing.SleepingOffset), 1);
        // Look at the prefix at our head (what the producer publishes with, ordered before its
        // fenced flag load), not at the tail. A padding skip here is ordinary consumption.
        RingStatus status = TryPeekSlow(out _);
        _peeked = false;
        if (status == RingStatus.Empty)
        {
            return RingStatus.Empty;
        }

        if (status == RingStatus.Ok)
        {
            ClearSleeping();
        }

        return status;
    }

    /// <summary>Withdraws the "sleeping" announcement (after waking, or when giving up on sleeping).</summary>
    public void ClearSleeping()
    {
        Volatile.Write(ref *(int*)(_region + SpscRing.SleepingOffset), 0);
    }

    private void MarkCorrupt()
    {
        _corrupt = true;
        _peeked = false;
        Status = RingStatus.Corrupt;
    }
}
