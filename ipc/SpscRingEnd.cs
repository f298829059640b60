using System.Threading;

namespace Microkernel.Ipc;

/// <summary>
/// What both ends of an <see cref="SpscRing"/> hold after attaching, and the one attach check
/// they share: the region must have a valid ring length, and the indices found in it must be
/// aligned with <c>tail - head &lt;= capacity</c>, whatever a hostile peer left there. Each end
/// reads both indices once, here, and keeps its own privately from then on (this is the only
/// time the consumer reads the tail). Nothing here runs per message.
/// </summary>
public abstract unsafe class SpscRingEnd
{
    /// <summary>Start of the region (control block).</summary>
    private protected readonly byte* _region;

    /// <summary>Start of the data area.</summary>
    private protected readonly byte* _data;

    /// <summary>Data capacity in bytes (0 when the region is invalid).</summary>
    private protected readonly int _capacity;

    /// <summary><c>_capacity - 1</c>: index to position.</summary>
    private protected readonly ulong _mask;

    /// <summary>Largest payload of one record.</summary>
    private protected readonly int _maxPayload;

    /// <summary>True once <see cref="Status"/> is a sticky error; tested first on every path.</summary>
    private protected bool _corrupt;

    /// <summary>
    /// Attaches to a region prepared by <see cref="SpscRing.Initialize"/> and returns the
    /// indices found in it. A bad region gives <see cref="RingStatus.InvalidArgument"/> (and
    /// indices of 0); inconsistent indices give <see cref="RingStatus.Corrupt"/> from then on.
    /// </summary>
    private protected SpscRingEnd(byte* region, int regionLength, out ulong head, out ulong tail)
    {
        _region = region;
        _data = region + SpscRing.HeaderBytes;
        head = 0;
        tail = 0;
        int capacity = SpscRing.CapacityOf(regionLength);
        if (region == null || capacity < 0)
        {
            _corrupt = true;
            Status = RingStatus.InvalidArgument;
            return;
        }

        _capacity = capacity;
        _mask = (ulong)capacity - 1;
        _maxPayload = SpscRing.MaxPayloadLength(capacity);
        tail = Volatile.Read(ref *(ulong*)(region + SpscRing.TailOffset));
        head = Volatile.Read(ref *(ulong*)(region + SpscRing.HeadOffset));
        if (((tail | head) & (SpscRing.RecordAlignment - 1)) != 0 || tail - head > (ulong)capacity)
        {
            _corrupt = true;
            Status = RingStatus.Corrupt;
        }
    }

    /// <summary><see cref="RingStatus.Ok"/> while usable; the sticky error otherwise.</summary>
    public RingStatus Status { get; private protected set; }

    /// <summary>Data capacity of the ring in bytes.</summary>
    public int Capacity => _capacity;

    /// <summary>Largest payload a single record may carry.</summary>
    public int MaxPayloadLength => _maxPayload;
}
