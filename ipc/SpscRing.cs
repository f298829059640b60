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
///   0   tail      u64  free-running write index, written only by the producer
///   64  sleeping  i32  nonzero while the consumer is (about to be) blocked, written only by the consumer
///   128 head      u64  free-running read index, written only by the consumer
///   256 data      capacity bytes, capacity a power of two
/// </code>
/// tail and head sit 128 bytes apart so that neither the line nor its adjacent-line prefetch
/// partner is shared by the two writers. Records are 8-byte aligned: a u32 length prefix and
/// the payload, padded up to 8. A record never straddles the end of the data area: when it
/// would, the producer writes a padding prefix (<see cref="PaddingMarker"/>) that tells the
/// consumer to skip to the start of the data area.
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

    /// <summary>Size of the length prefix in front of every record.</summary>
    public const int PrefixBytes = 4;

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
    /// is limited to half the ring so that a padding record plus the record always fit in an
    /// empty ring (the padding is shorter than the record it makes room for).
    /// </summary>
    public static int MaxPayloadLength(int capacity)
    {
        return capacity / 2 - PrefixBytes;
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
