using System;
using System.Runtime.CompilerServices;

namespace Microkernel.Ipc;

/// <summary>
/// Layout of a single-producer single-consumer ring inside a caller-provided region, and the
/// helpers to size and initialise one. The producer side is <see cref="SpscProducer"/>, the
/// consumer side <see cref="SpscConsumer"/>; each lives in its own address space and shares
/// only the region.
/// </summary>
/// <remarks>
/// Region layout (all offsets in bytes, native endianness since both peers share a machine):
/// <code>
///   0   tail      u64  free-running write index, written only by the producer (diagnostics; see below)
///   64  sleeping  i32  nonzero while the consumer is (about to be) blocked, written only by the consumer
///   128 head      u64  free-running read index, written only by the consumer
///   256 data      capacity bytes, capacity a power of two
/// </code>
/// tail and head sit 128 bytes apart so that neither the line nor its adjacent-line prefetch
/// partner is shared by the two writers. Records are 8-byte aligned: a u64 prefix (u32 length,
/// u32 stamp) and the payload, padded up to 8. A record never straddles the end of the data
/// area: when it would, the producer writes a padding prefix (<see cref="PaddingMarker"/>) that
/// tells the consumer to skip to the start of the data area.
/// <para>
/// Records publish themselves: the stamp is <see cref="StampOf"/> the record's own index, and
/// the prefix is stored last with release semantics, so the consumer polls the prefix at its
/// head instead of the tail. That makes a hand-off one cache-line transfer (the record's line)
/// instead of two (the tail's line, then the record's), which is what round-trip latency is made
/// of. The stamp ties a prefix to one lap, and the slot after the last record a publish makes
/// visible is zeroed first (inside a batch the next record's prefix fills that slot), so neither an
/// old prefix nor old payload bytes can pose as a new record.
/// The producer still stores the tail on every publish (for diagnostics and the attach-time
/// check); the consumer does not need it.
/// </para>
/// </remarks>
public static unsafe class SpscRing
{
    /// <summary>Offset of the producer-owned tail index.</summary>
    public const int TailOffset = 0;

    /// <summary>Offset of the consumer-owned "sleeping" flag.</summary>
    public const int SleepingOffset = 64;

    /// <summary>Offset of the consumer-owned head index.</summary>
    public const int HeadOffset = 128;

    /// <summary>Size of the control block in front of the data area.</summary>
    public const int HeaderBytes = 256;

    /// <summary>Records start on multiples of this many bytes.</summary>
    public const int RecordAlignment = 8;

    /// <summary>Size of the prefix (u32 length, u32 stamp) in front of every record.</summary>
    public const int PrefixBytes = 8;

    /// <summary>Smallest data capacity accepted.</summary>
    public const int MinCapacity = 64;

    /// <summary>Largest data capacity accepted (lengths stay within int).</summary>
    public const int MaxCapacity = 1 << 30;

    /// <summary>Length prefix value of a padding record: "skip to the start of the data area".</summary>
    public const uint PaddingMarker = 0xFFFF_FFFFu;

    /// <summary>Bytes a region must have to hold a ring with <paramref name="capacity"/> data bytes; -1 if the capacity is invalid.</summary>
    public static int RequiredBytes(int capacity)
    {
        return IsValidCapacity(capacity) ? HeaderBytes + capacity : -1;
    }

    /// <summary>True when <paramref name="capacity"/> is a power of two within [<see cref="MinCapacity"/>, <see cref="MaxCapacity"/>].</summary>
    public static bool IsValidCapacity(int capacity)
    {
        return capacity >= MinCapacity && capacity <= MaxCapacity && (capacity & (capacity - 1)) == 0;
    }

    /// <summary>
    /// Data capacity of a region of <paramref name="regionLength"/> bytes: the region minus the
    /// control block, which must be a valid capacity; -1 otherwise.
    /// </summary>
    public static int CapacityOf(int regionLength)
    {
        int capacity = regionLength - HeaderBytes;
        return IsValidCapacity(capacity) ? capacity : -1;
    }

    /// <summary>
    /// Largest payload one record can carry in a ring of <paramref name="capacity"/> bytes. A record
    /// is limited to half the ring so that a padding record plus the record plus the zeroed slot
    /// after it always fit in an empty ring (the padding is at least 8 bytes shorter than the
    /// record it makes room for).
    /// </summary>
    public static int MaxPayloadLength(int capacity)
    {
        return capacity / 2 - PrefixBytes;
    }

    /// <summary>
    /// The stamp a record starting at <paramref name="index"/> carries in the high half of its
    /// prefix. Indices are multiples of 8, so <c>index &gt;&gt; 2</c> is even and the low bit set here
    /// makes the stamp odd: never 0, so a zeroed slot is never a published record (not even a
    /// zero-length one). Two indices at the same ring position give different stamps unless they
    /// are 2^34 bytes apart, far more than one lap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint StampOf(ulong index)
    {
        return (uint)(index >> 2) | 1u;
    }

    /// <summary>The u64 prefix of a record at <paramref name="index"/> with length field <paramref name="length"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong PrefixOf(ulong index, uint length)
    {
        return ((ulong)StampOf(index) << 32) | length;
    }

    /// <summary>Rounds a record (prefix + payload) up to the record alignment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong RecordBytes(int payloadLength)
    {
        return (ulong)((PrefixBytes + payloadLength + (RecordAlignment - 1)) & ~(RecordAlignment - 1));
    }

    /// <summary>
    /// Prepares a region for use: both indices set to <paramref name="startIndex"/> (which must
    /// be a multiple of <see cref="RecordAlignment"/>; tests start near 2^32 and 2^64 to exercise
    /// wrap-around), flag cleared, data zeroed. Call once, before either side attaches.
    /// </summary>
    /// <returns><see cref="RingStatus.Ok"/>, or <see cref="RingStatus.InvalidArgument"/> for a bad region or start index.</returns>
    public static RingStatus Initialize(byte* region, int regionLength, ulong startIndex)
    {
        if (region == null || CapacityOf(regionLength) < 0 || (startIndex & (RecordAlignment - 1)) != 0)
        {
            return RingStatus.InvalidArgument;
        }

        new Span<byte>(region, regionLength).Clear();
        *(ulong*)(region + TailOffset) = startIndex;
        *(ulong*)(region + HeadOffset) = startIndex;
        return RingStatus.Ok;
    }
}
