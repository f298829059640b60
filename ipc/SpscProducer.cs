using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Microkernel.Ipc;

/// <summary>
/// The writing side of an <see cref="SpscRing"/>. Exactly one thread (in one address space)
/// owns a producer. Records become visible to the consumer only on <see cref="Publish"/>,
/// so a batch of claims and commits costs one release store.
/// </summary>
/// <remarks>
/// Hostile-peer rule: the producer never reads its own tail back from shared memory after
/// attaching; it keeps a private copy. The only value it takes from the peer is the head,
/// and every head it reads is checked (aligned, not ahead of the tail, not moving backwards)
/// before it is used to compute free space.
/// </remarks>
public sealed unsafe class SpscProducer : SpscRingEnd
{
    /// <summary>Private tail: end of the last committed record (published or not).</summary>
    private ulong _tail;

    /// <summary>Last head read from the consumer and found valid.</summary>
    private ulong _cachedHead;

    /// <summary>Index where the open claim's record starts (after any padding); valid when <see cref="_claimOpen"/>.</summary>
    private ulong _claimStart;
    private int _claimLength;
    private bool _claimOpen;

    /// <summary>
    /// The prefix of the first committed record that is not yet published, held back so that
    /// <see cref="Publish"/> is one release store however many records the batch has: the
    /// consumer walks records in order and stops at this one until its prefix lands. Later
    /// records of the batch have their prefixes written at commit time.
    /// </summary>
    private ulong* _pendingSlot;
    private ulong _pendingPrefix;

    /// <summary>True when the last committed record was its batch's first and zeroed its successor slot itself.</summary>
    private bool _tailZeroed;

    /// <summary>
    /// Attaches to a region prepared by <see cref="SpscRing.Initialize"/>. If the region length
    /// is invalid the producer reports <see cref="RingStatus.InvalidArgument"/>; if the indices
    /// found in it are inconsistent it reports <see cref="RingStatus.Corrupt"/> from then on.
    /// </summary>
    public SpscProducer(byte* region, int regionLength)
        : base(region, regionLength, out ulong head, out ulong tail)
    {
        _tail = tail;
        _cachedHead = head;
    }

    /// <summary>Private write index (end of committed records); exposed for tests and diagnostics.</summary>
    public ulong Tail => _tail;

    /// <summary>
    /// Reserves room for one record of up to <paramref name="maxLength"/> payload bytes and
    /// returns the payload area to fill. Nothing is visible to the consumer until
    /// <see cref="Commit"/> and then <see cref="Publish"/>. A new claim replaces an open one.
    /// </summary>
    /// <returns>Ok, Full (try again later), TooLarge (never fits), InvalidArgument (negative length) or Corrupt.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RingStatus TryClaim(int maxLength, out Span<byte> payload)
    {
        payload = default;
        _claimOpen = false;
        if (_corrupt)
        {
            return Status;
        }

        if (maxLength < 0)
        {
            return RingStatus.InvalidArgument;
        }

        if (maxLength > _maxPayload)
        {
            return RingStatus.TooLarge;
        }

        ulong record = SpscRing.RecordBytes(maxLength);
        ulong position = _tail & _mask;
        ulong toEnd = (ulong)_capacity - position;
        ulong padding = record > toEnd ? toEnd : 0;
        // Plus the slot after the record, which gets zeroed (it must be free space).
        ulong needed = padding + record + SpscRing.RecordAlignment;
        if ((ulong)_capacity - (_tail - _cachedHead) < needed)
        {
            // Only touch the consumer's cache line when the cached view says "full": this keeps
            // the line in the consumer's cache on the fast path.
            if (!RefreshHead())
            {
                return Status;
            }

            if ((ulong)_capacity - (_tail - _cachedHead) < needed)
            {
                return RingStatus.Full;
            }
        }

        // Nothing is written here (not even padding): an abandoned claim leaves no trace.
        _claimStart = _tail + padding;
        _claimLength = maxLength;
        _claimOpen = true;
        payload = new Span<byte>(_data + (_claimStart & _mask) + SpscRing.PrefixBytes, maxLength);
        return RingStatus.Ok;
    }

    /// <summary>The payload area of the open claim (as returned by <see cref="TryClaim"/>); false when no claim is open.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetClaim(out Span<byte> payload)
    {
        payload = default;
        if (!_claimOpen)
        {
            return false;
        }

        payload = new Span<byte>(_data + (_claimStart & _mask) + SpscRing.PrefixBytes, _claimLength);
        return true;
    }

    /// <summary>
    /// Start of the open claim's payload, or null when no claim is open: lets
    /// <see cref="ClientEndpoint"/> write its header and check a writer's identity without
    /// rebuilding and slicing spans on every message.
    /// </summary>
    internal byte* OpenClaimPayload
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _claimOpen ? _data + (_claimStart & _mask) + SpscRing.PrefixBytes : null;
    }

    /// <summary>
    /// Completes the open claim with the <paramref name="length"/> bytes actually written
    /// (at most the claimed length). The record is queued for the next <see cref="Publish"/>.
    /// </summary>
    /// <returns>Ok; InvalidArgument when there is no open claim or the length is out of range; Corrupt.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RingStatus Commit(int length)
    {
        if (_corrupt)
        {
            return Status;
        }

        if (!_claimOpen || length < 0 || length > _claimLength)
        {
            return RingStatus.InvalidArgument;
        }

        ulong start = _claimStart;
        if (start != _tail)
        {
            // The claim padded to the wrap point.
            StorePrefix(_tail, SpscRing.PaddingMarker);
        }

        ulong end = start + SpscRing.RecordBytes(length);
        // The slot after the record (free space TryClaim reserved) must be zero or a later
        // record's prefix before this record is published: see ZeroSlotAfter.
        ZeroSlotAfter(end);
        StorePrefix(start, (uint)length);
        _tail = end;
        _claimOpen = false;
        return RingStatus.Ok;
    }

    /// <summary>
    /// Claims and commits, in one step, a record of exactly <paramref name="length"/> payload
    /// bytes, and returns where its payload goes (null, with the reason in
    /// <paramref name="status"/>, when it does not fit). For senders that know the exact size up
    /// front (generated senders, through <see cref="ClientEndpoint.TryAppend"/>): no open-claim state, one pass over the
    /// indices. The record is committed before its payload is written, which is safe because no
    /// record is visible before the next <see cref="Publish"/> (the batch's first prefix is held
    /// back, and the consumer cannot walk past it); the caller must write all
    /// <paramref name="length"/> bytes before publishing. An open claim is abandoned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* TryAppend(int length, out RingStatus status)
    {
        _claimOpen = false;
        if (_corrupt || (uint)length > (uint)_maxPayload)
        {
            status = _corrupt ? Status : length < 0 ? RingStatus.InvalidArgument : RingStatus.TooLarge;
            return null;
        }

        ulong tail = _tail;
        ulong record = SpscRing.RecordBytes(length);
        ulong position = tail & _mask;
        ulong toEnd = (ulong)_capacity - position;
        ulong padding = record > toEnd ? toEnd : 0;
        // As in TryClaim: room for padding, the record and the zeroed slot after it.
        ulong needed = padding + record + SpscRing.RecordAlignment;
        if ((ulong)_capacity - (tail - _cachedHead) < needed)
        {
            if (!RefreshHead())
            {
                status = Status;
                return null;
            }

            if ((ulong)_capacity - (tail - _cachedHead) < needed)
            {
                status = RingStatus.Full;
                return null;
            }
        }

        if (padding != 0)
        {
            StorePrefix(tail, SpscRing.PaddingMarker);
        }

        ulong start = tail + padding;
        ulong end = start + record;
        // The slot after the record: see ZeroSlotAfter.
        ZeroSlotAfter(end);
        StorePrefix(start, (uint)length);
        _tail = end;
        status = RingStatus.Ok;
        return _data + (start & _mask) + SpscRing.PrefixBytes;
    }

    /// <summary>
    /// Makes every committed record visible to the consumer. A release store: the record bytes
    /// written before it are visible to a consumer that acquires the new tail. No fence is
    /// needed here because the consumer never writes what the producer reads in between.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish()
    {
        if (!_corrupt)
        {
            PublishPending();
        }
    }

    /// <summary>
    /// Publishes, then tells whether the consumer has announced it is going to sleep, i.e. the
    /// caller must ask the kernel to wake it. This is a Dekker-style handshake (our store of the
    /// tail against the consumer's store of the flag, each followed by a load of the other), so it
    /// needs a full fence between the tail store and the flag load; acquire/release alone would
    /// allow both sides to miss each other's store and the consumer to sleep forever.
    /// </summary>
    public bool PublishAndCheckSleeping()
    {
        if (_corrupt)
        {
            return false;
        }

        PublishPending();
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref *(int*)(_region + SpscRing.SleepingOffset)) != 0;
    }

    /// <summary>
    /// Publishes and reads the consumer's "sleeping" flag without a fence: a cheap hint for the
    /// middle of a burst. It can miss a consumer that is just going to sleep (the flag load may be
    /// ordered before the tail store), so a producer must still call
    /// <see cref="PublishAndCheckSleeping"/> before it stops producing; a missed wake-up is then
    /// only delayed to the end of the burst, never lost. This keeps the full fence, which waits
    /// for every outstanding store to reach the cache, off the per-batch path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool PublishAndPeekSleeping()
    {
        if (_corrupt)
        {
            return false;
        }

        PublishPending();
        return Volatile.Read(ref *(int*)(_region + SpscRing.SleepingOffset)) != 0;
    }

    /// <summary>Claims, copies <paramref name="payload"/>, commits and publishes one record.</summary>
    public RingStatus TryWrite(ReadOnlySpan<byte> payload)
    {
        RingStatus status = TryClaim(payload.Length, out Span<byte> destination);
        if (status != RingStatus.Ok)
        {
            return status;
        }

        payload.CopyTo(destination);
        Commit(payload.Length);
        Publish();
        return RingStatus.Ok;
    }

    /// <summary>
    /// The zeroed-slot rule: before a record is published, the 8-byte slot after it (the next
    /// record's prefix position) must hold zero or the next record's prefix, so that payload
    /// bytes of an earlier lap (anything, even a prefix stamped for this lap) cannot pose as a
    /// record. Inside a batch the next record's prefix fills the slot, so only the batch's last
    /// record needs a zero. The batch's first record zeroes its successor slot at once (a lone
    /// request then has that store, often a line the consumer holds, issued before its payload
    /// is written rather than just ahead of the publishing store); later records zero nothing,
    /// and <see cref="PublishPending"/> zeroes the slot at the tail when the batch has more than
    /// one record. Call before the record's <see cref="StorePrefix"/> (padding prefixes first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ZeroSlotAfter(ulong end)
    {
        bool first = _pendingSlot == null;
        _tailZeroed = first;
        if (first)
        {
            *(ulong*)(_data + (end & _mask)) = 0;
        }
    }

    /// <summary>
    /// Writes a record prefix: held back if it is the batch's first unpublished record, stored
    /// at once otherwise (the consumer cannot reach it before the held-back one is published).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StorePrefix(ulong index, uint length)
    {
        ulong* slot = (ulong*)(_data + (index & _mask));
        ulong prefix = SpscRing.PrefixOf(index, length);
        if (_pendingSlot == null)
        {
            _pendingSlot = slot;
            _pendingPrefix = prefix;
        }
        else
        {
            *slot = prefix;
        }
    }

    /// <summary>
    /// The publishing store: the held-back prefix, with release semantics so every record byte,
    /// later prefix and zeroed slot written before it is visible to a consumer that acquires it.
    /// The tail store after it is for diagnostics and attach-time checks only (the line stays in
    /// our cache: the consumer does not poll it).
    /// </summary>
    /// <remarks>
    /// First, for a batch of more than one record, the slot at the tail (free space: every claim
    /// reserves it) is zeroed (see <see cref="ZeroSlotAfter"/>); one zeroing store per batch
    /// instead of one per record, as it used to be.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PublishPending()
    {
        ulong* slot = _pendingSlot;
        if (slot != null)
        {
            if (!_tailZeroed)
            {
                *(ulong*)(_data + (_tail & _mask)) = 0;
            }

            Volatile.Write(ref *slot, _pendingPrefix);
            _pendingSlot = null;
            Volatile.Write(ref *(ulong*)(_region + SpscRing.TailOffset), _tail);
        }
    }

    /// <summary>
    /// Reads the consumer's head (acquire: the consumer's reads of the freed records happen
    /// before it released them, so we may overwrite them) and validates it.
    /// </summary>
    private bool RefreshHead()
    {
        ulong head = Volatile.Read(ref *(ulong*)(_region + SpscRing.HeadOffset));
        ulong used = _tail - head;
        // Valid heads lie in [cachedHead, tail]: aligned, never ahead of what we wrote and never
        // moving backwards. Unsigned differences make this correct across the 2^64 wrap.
        if ((head & (SpscRing.RecordAlignment - 1)) != 0 || used > (ulong)_capacity || head - _cachedHead > _tail - _cachedHead)
        {
            MarkCorrupt();
            return false;
        }

        _cachedHead = head;
        return true;
    }

    private void MarkCorrupt()
    {
        _corrupt = true;
        _claimOpen = false;
        Status = RingStatus.Corrupt;
    }
}
