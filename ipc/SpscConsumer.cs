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
/// Hostile-peer rule: the consumer keeps its own head privately and only takes the tail and
/// the record prefixes from shared memory. Each is read exactly once into a local and checked
/// (tail aligned, at most one capacity ahead, never backwards; length within the maximum, the
/// record inside the published range and not crossing the end of the data area) before use.
/// Any violation turns the consumer into the sticky <see cref="RingStatus.Corrupt"/> state.
/// A payload span points into shared memory: the peer may still change its bytes, so decoders
/// must treat them as untrusted (ours do: every read is bounds-checked against the span).
/// </remarks>
public sealed unsafe class SpscConsumer
{
    private readonly byte* _region;
    private readonly byte* _data;
    private readonly int _capacity;
    private readonly ulong _mask;
    private readonly int _maxPayload;

    /// <summary>Private head: start of the next unconsumed record.</summary>
    private ulong _head;

    /// <summary>Last tail read from the producer and found valid.</summary>
    private ulong _cachedTail;

    /// <summary>Index just past the peeked record; valid when <see cref="_peeked"/>.</summary>
    private ulong _peekEnd;
    private bool _peeked;
    private bool _corrupt;

    /// <summary>
    /// Attaches to a region prepared by <see cref="SpscRing.Initialize"/>. A bad region length
    /// gives <see cref="RingStatus.InvalidArgument"/>; inconsistent indices give
    /// <see cref="RingStatus.Corrupt"/>.
    /// </summary>
    public SpscConsumer(byte* region, int regionLength)
    {
        _region = region;
        _data = region + SpscRing.HeaderBytes;
        _capacity = SpscRing.CapacityOf(regionLength);
        if (region == null || _capacity < 0)
        {
            _capacity = 0;
            _corrupt = true;
            Status = RingStatus.InvalidArgument;
            return;
        }

        _mask = (ulong)_capacity - 1;
        _maxPayload = SpscRing.MaxPayloadLength(_capacity);
        ulong head = Volatile.Read(ref *(ulong*)(region + SpscRing.HeadOffset));
        ulong tail = Volatile.Read(ref *(ulong*)(region + SpscRing.TailOffset));
        _head = head;
        _cachedTail = head;
        if (((tail | head) & (SpscRing.RecordAlignment - 1)) != 0 || tail - head > (ulong)_capacity)
        {
            MarkCorrupt();
            return;
        }

        _cachedTail = tail;
    }

    /// <summary><see cref="RingStatus.Ok"/> while usable; the sticky error otherwise.</summary>
    public RingStatus Status { get; private set; }

    /// <summary>Data capacity of the ring in bytes.</summary>
    public int Capacity => _capacity;

    /// <summary>Largest payload a single record may carry.</summary>
    public int MaxPayloadLength => _maxPayload;

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
        // Fast path, inlined into callers: a record is already known to be published, it is not
        // padding, and it passes the same checks as the slow path. Anything else goes the slow way.
        if (!_corrupt && _head != _cachedTail)
        {
            ulong position = _head & _mask;
            uint length = Volatile.Read(ref *(uint*)(_data + position));
            if (length <= (uint)_maxPayload)
            {
                ulong record = SpscRing.RecordBytes((int)length);
                if (record <= _cachedTail - _head && record <= (ulong)_capacity - position)
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

        if (_head == _cachedTail && !RefreshTail())
        {
            return Status;
        }

        ulong available = _cachedTail - _head;
        if (available == 0)
        {
            return RingStatus.Empty;
        }

        ulong position = _head & _mask;
        // One read of the prefix into a local: the peer may rewrite it while we look.
        uint length = Volatile.Read(ref *(uint*)(_data + position));
        if (length == SpscRing.PaddingMarker)
        {
            // A producer pads only when a record does not fit before the end, so padding at
            // position 0 is impossible; rejecting it also bounds this method to one skip.
            ulong toEnd = (ulong)_capacity - position;
            if (position == 0 || toEnd > available)
            {
                MarkCorrupt();
                return Status;
            }

            _head += toEnd;
            available -= toEnd;
            if (available == 0)
            {
                return RingStatus.Empty;
            }

            position = 0;
            length = Volatile.Read(ref *(uint*)_data);
        }

        if (length > (uint)_maxPayload)
        {
            MarkCorrupt();
            return Status;
        }

        ulong record = SpscRing.RecordBytes((int)length);
        // The producer publishes whole records, so a record must end inside the published range
        // and must not run past the end of the data area.
        if (record > available || record > (ulong)_capacity - position)
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
    /// data once more. Returns Empty when the caller may block (any producer that publishes from
    /// now on will see the flag and wake us), Ok when data arrived meanwhile (the flag is cleared
    /// again and the caller should keep reading), or Corrupt. After waking call <see cref="ClearSleeping"/>.
    /// The flag store uses an interlocked exchange because it must be ordered before the tail load
    /// that follows (store-load ordering); the producer mirrors this with a full fence.
    /// </summary>
    public RingStatus PrepareToSleep()
    {
        if (_corrupt)
        {
            return Status;
        }

        Release();
        Interlocked.Exchange(ref *(int*)(_region + SpscRing.SleepingOffset), 1);
        if (!RefreshTail())
        {
            return Status;
        }

        if (_cachedTail != _head)
        {
            ClearSleeping();
            return RingStatus.Ok;
        }

        return RingStatus.Empty;
    }

    /// <summary>Withdraws the "sleeping" announcement (after waking, or when giving up on sleeping).</summary>
    public void ClearSleeping()
    {
        Volatile.Write(ref *(int*)(_region + SpscRing.SleepingOffset), 0);
    }

    /// <summary>
    /// Reads the producer's tail (acquire: the record bytes it published are visible after this)
    /// and validates it against our head and the last tail seen.
    /// </summary>
    private bool RefreshTail()
    {
        ulong tail = Volatile.Read(ref *(ulong*)(_region + SpscRing.TailOffset));
        ulong available = tail - _head;
        if ((tail & (SpscRing.RecordAlignment - 1)) != 0 || available > (ulong)_capacity || available < _cachedTail - _head)
        {
            MarkCorrupt();
            return false;
        }

        _cachedTail = tail;
        return true;
    }

    private void MarkCorrupt()
    {
        _corrupt = true;
        _peeked = false;
        Status = RingStatus.Corrupt;
    }
}
