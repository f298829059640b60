using System.Collections.Generic;
using Microkernel.Ipc;

namespace Microkernel.Ipc.Tests;

/// <summary>
/// The specification of the ring as a plain queue plus byte accounting: what must be full,
/// what must come out next, and where the indices must be. A record is an 8-byte prefix plus
/// the payload, rounded up to 8; a write also needs the 8-byte slot after its record to be free
/// (the producer zeroes it so that stale bytes never pose as the next record).
/// </summary>
internal sealed class RingModel
{
    private readonly Queue<(long Sequence, int Length, ulong End)> _queue = new();
    private readonly int _capacity;

    public RingModel(int capacity, ulong start)
    {
        _capacity = capacity;
        Tail = start;
        Head = start;
    }

    public ulong Tail { get; private set; }

    public ulong Head { get; private set; }

    public int Count => _queue.Count;

    public int MaxPayload => _capacity / 2 - 8;

    public int Capacity => _capacity;

    /// <summary>What a write of <paramref name="length"/> bytes must return, and its effect when Ok.</summary>
    public RingStatus Write(long sequence, int length)
    {
        if (length > MaxPayload)
        {
            return RingStatus.TooLarge;
        }

        ulong record = (ulong)((8 + length + 7) & ~7);
        ulong toEnd = (ulong)_capacity - (Tail % (ulong)_capacity);
        ulong padding = record > toEnd ? toEnd : 0;
        if ((ulong)_capacity - (Tail - Head) < padding + record + 8)
        {
            return RingStatus.Full;
        }

        Tail += padding + record;
        _queue.Enqueue((sequence, length, Tail));
        return RingStatus.Ok;
    }

    /// <summary>A write whose claim was made at a larger size that forced padding up to the wrap point.</summary>
    public RingStatus WritePadded(long sequence, int length)
    {
        ulong toEnd = (ulong)_capacity - (Tail % (ulong)_capacity);
        ulong record = (ulong)((8 + length + 7) & ~7);
        if ((ulong)_capacity - (Tail - Head) < toEnd + record + 8)
        {
            return RingStatus.Full;
        }

        Tail += toEnd + record;
        _queue.Enqueue((sequence, length, Tail));
        return RingStatus.Ok;
    }

    public bool TryRead(out long sequence, out int length)
    {
        if (_queue.Count == 0)
        {
            sequence = 0;
            length = 0;
            return false;
        }

        (sequence, length, ulong end) = _queue.Dequeue();
        Head = end;
        return true;
    }
}
