using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microkernel.Ipc;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>Garbage a hostile peer can leave in a shared ring region.</summary>
/// <remarks>
/// <see cref="Stamped"/> are forged record prefixes (slot, lap 0 or 1 from the head, length
/// field): random bytes almost never carry the stamp the consumer expects, so without these the
/// consumer would rarely look past the first prefix.
/// </remarks>
public sealed record RegionGarbage(int Capacity, byte[] Bytes, ulong Head, ulong Tail, (int Offset, byte Value)[] Scribbles, (int Slot, int Lap, uint Length)[] Stamped)
{
    public override string ToString() => $"cap={Capacity} head=0x{Head:X} tail=0x{Tail:X} scribbles={Scribbles.Length} stamped={Stamped.Length}";
}

public static class HostileArbitraries
{
    private static Gen<(int Slot, int Lap, uint Length)> StampedPrefix(int capacity)
    {
        Gen<uint> length = Gen.Frequency(
            (4, Gen.Choose(0, 24).Select(l => (uint)l)),
            (2, Gen.Choose(0, capacity).Select(l => (uint)l)),
            (1, Gen.Constant(SpscRing.PaddingMarker)),
            (1, Gen.Choose(int.MinValue, int.MaxValue).Select(l => (uint)l)));
        return from slot in Gen.Choose(0, capacity / 8 - 1)
               from lap in Gen.Choose(0, 1)
               from l in length
               select (slot, lap, l);
    }

    public static Arbitrary<RegionGarbage> Garbage()
    {
        Gen<ulong> index = Gen.Frequency(
            (2, Gen.Choose(0, 4096).Select(i => (ulong)i)),
            (1, Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => ((ulong)(uint)t.Item1 << 32) | (uint)t.Item2)),
            (1, Gen.Choose(0, 4096).Select(i => 0UL - (ulong)i)));
        Gen<RegionGarbage> gen =
            from capacity in Gen.Elements(64, 128, 512)
            from bytes in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(capacity)
            from head in index
            from delta in Gen.Frequency((3, Gen.Choose(0, capacity + 16).Select(d => (ulong)d)), (1, index))
            from scribbles in Gen.Choose(0, capacity - 1).Zip(Gen.Choose(0, 255)).Select(t => (t.Item1, (byte)t.Item2)).ArrayOf()
            from stamped in StampedPrefix(capacity).ArrayOf()
            select new RegionGarbage(capacity, bytes, head, head + delta, scribbles, stamped);
        return Arb.From(gen);
    }
}

/// <summary>
/// Whatever the peer writes into the shared region, our side ends in Ok, Empty, Full or Corrupt:
/// never an exception, never a span outside the data area, never an endless stream of records.
/// </summary>
public sealed unsafe class HostileRingProperties
{
    [Property(MaxTest = 1000, Arbitrary = new[] { typeof(HostileArbitraries) })]
    public void ConsumerSurvivesAnyRegionContents(RegionGarbage garbage)
    {
        using var region = new NativeRegion(garbage.Capacity);
        garbage.Bytes.CopyTo(region.Bytes.Slice(SpscRing.HeaderBytes));
        ulong head = garbage.Head & ~7UL;
        ulong lapStart = head - (head & (ulong)(garbage.Capacity - 1));
        foreach ((int slot, int lap, uint length) in garbage.Stamped)
        {
            // The prefix a producer would write for the record at this slot in this lap.
            ulong index = lapStart + (ulong)lap * (ulong)garbage.Capacity + (ulong)slot * 8;
            *(ulong*)(region.Data + slot * 8) = ((ulong)SpscRing.StampOf(index) << 32) | length;
        }

        region.Head = garbage.Head;
        region.Tail = garbage.Tail;
        SpscConsumer consumer = region.Consumer();

        // Each Ok consumes at least 8 bytes of at most one capacity, so this bound is generous.
        int maxRecords = garbage.Capacity / SpscRing.RecordAlignment;
        int records = 0;
        RingStatus status;
        while ((status = consumer.TryPeek(out ReadOnlySpan<byte> payload)) == RingStatus.Ok)
        {
            Assert.True(region.InData(payload));
            Assert.True(payload.Length <= consumer.MaxPayloadLength);
            // A record is accepted only where a prefix carries the stamp of exactly that index: the
            // payload follows the prefix at our head, and the head stays within the two forged laps.
            ulong start = consumer.Head;
            Assert.Equal((long)(start & (ulong)(garbage.Capacity - 1)) + SpscRing.PrefixBytes, PayloadOffset(region, payload));
            Assert.Equal(SpscRing.StampOf(start), (uint)(*(ulong*)(region.Data + (start & (ulong)(garbage.Capacity - 1))) >> 32));
            Assert.True(start - head < 2 * (ulong)garbage.Capacity, "accepted a record no stamp names");
            Assert.Equal(RingStatus.Ok, consumer.Advance());
            consumer.Release();
            Assert.True(++records <= maxRecords, "consumer produced more records than the ring can hold");
        }

        Assert.True(status == RingStatus.Empty || status == RingStatus.Corrupt, status.ToString());
    }

    [Property(MaxTest = 1000, Arbitrary = new[] { typeof(HostileArbitraries) })]
    public void ConsumerSurvivesScribblesIntoALiveStream(RegionGarbage garbage)
    {
        using var region = new NativeRegion(garbage.Capacity, garbage.Head & ~7UL);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        long sequence = 0;
        while (producer.TryClaim(Payloads.LengthFor(sequence, 20), out Span<byte> payload) == RingStatus.Ok)
        {
            Payloads.Fill(sequence, payload);
            producer.Commit(payload.Length);
            sequence++;
        }

        producer.Publish();
        foreach ((int offset, byte value) in garbage.Scribbles)
        {
            region.Data[offset] = value;
        }

        if (garbage.Scribbles.Length % 3 == 1)
        {
            region.Tail = garbage.Tail; // sometimes the peer also lies about the tail
        }

        int maxRecords = garbage.Capacity / SpscRing.RecordAlignment;
        int records = 0;
        RingStatus status;
        while ((status = consumer.TryPeek(out ReadOnlySpan<byte> payload)) == RingStatus.Ok)
        {
            Assert.True(region.InData(payload));
            consumer.Advance();
            Assert.True(++records <= maxRecords);
        }

        Assert.True(status == RingStatus.Empty || status == RingStatus.Corrupt, status.ToString());
        if (garbage.Scribbles.Length == 0)
        {
            Assert.Equal(sequence, records); // untouched stream: everything readable
        }
    }

    [Property(MaxTest = 1000, Arbitrary = new[] { typeof(HostileArbitraries) })]
    public void ProducerSurvivesAnyHeadTheConsumerWrites(RegionGarbage garbage)
    {
        using var region = new NativeRegion(garbage.Capacity, garbage.Tail & ~7UL);
        SpscProducer producer = region.Producer();
        for (int round = 0; round < 8; round++)
        {
            region.Head = round % 2 == 0 ? garbage.Head : garbage.Tail - (ulong)(round * 8);
            for (int i = 0; i < 8; i++)
            {
                int length = Payloads.LengthFor(i + round, producer.MaxPayloadLength);
                if (i % 2 == 1)
                {
                    // The exact-size fast path reads and checks the head the same way.
                    byte* appended = producer.TryAppend(length, out RingStatus appendStatus);
                    Assert.True(appendStatus is RingStatus.Ok or RingStatus.Full or RingStatus.Corrupt, appendStatus.ToString());
                    Assert.Equal(appendStatus == RingStatus.Ok, appended != null);
                    if (appended != null)
                    {
                        Assert.True(region.InData(new ReadOnlySpan<byte>(appended, length)));
                    }

                    continue;
                }

                RingStatus status = producer.TryClaim(length, out Span<byte> payload);
                Assert.True(status is RingStatus.Ok or RingStatus.Full or RingStatus.Corrupt, status.ToString());
                if (status == RingStatus.Ok)
                {
                    Assert.True(region.InData(payload));
                    producer.Commit(payload.Length);
                }
            }

            producer.Publish();
        }
    }

    private static long PayloadOffset(NativeRegion region, ReadOnlySpan<byte> payload)
    {
        // Not `fixed`: that gives null for an empty span, and zero-length records are real.
        return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(payload)) - region.Data;
    }

    [Fact]
    public void CorruptionIsStickyAndReported()
    {
        using var region = new NativeRegion(256);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Ok, producer.TryWrite(new byte[] { 1, 2, 3 }));
        Assert.Equal(RingStatus.Ok, producer.TryWrite(new byte[] { 4, 5, 6 }));
        Assert.Equal(RingStatus.Ok, consumer.TryPeek(out _));
        consumer.Advance();
        uint saved = *(uint*)(region.Data + 16);
        *(uint*)(region.Data + 16) = 4000; // the peer rewrites record two's length (its stamp stays valid)
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
        *(uint*)(region.Data + 16) = saved; // even a repaired region stays rejected
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
        Assert.Equal(RingStatus.Corrupt, consumer.Status);
    }

    [Fact]
    public void PaddingAtTheStartOfTheDataAreaIsCorrupt()
    {
        using var region = new NativeRegion(64, 64);
        // A stamped padding record at position 0 (index 64): a producer never pads there, and
        // following it would skip a whole lap.
        *(ulong*)region.Data = ((ulong)SpscRing.StampOf(64) << 32) | SpscRing.PaddingMarker;
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
        Assert.Equal(64UL, consumer.Head);
    }

    [Fact]
    public void PaddingAfterPaddingIsCorrupt()
    {
        using var region = new NativeRegion(64, 32);
        *(ulong*)(region.Data + 32) = ((ulong)SpscRing.StampOf(32) << 32) | SpscRing.PaddingMarker;
        *(ulong*)region.Data = ((ulong)SpscRing.StampOf(64) << 32) | SpscRing.PaddingMarker;
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
    }

    [Fact]
    public void AWrongStampIsNotARecord()
    {
        using var region = new NativeRegion(64, 0);
        // A well-formed 8-byte record, but stamped for the next lap at the same position.
        *(ulong*)region.Data = ((ulong)SpscRing.StampOf(64) << 32) | 8;
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Empty, consumer.TryPeek(out _));
        *(ulong*)region.Data = ((ulong)SpscRing.StampOf(0) << 32) | 8;
        Assert.Equal(RingStatus.Ok, consumer.TryPeek(out ReadOnlySpan<byte> payload));
        Assert.Equal(8, payload.Length);
    }

    [Fact]
    public void OversizedLengthPrefixIsCorruptNotAnOverread()
    {
        using var region = new NativeRegion(128);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Ok, producer.TryWrite(new byte[8]));
        *(uint*)region.Data = 1000; // prefix claims far more than the ring holds
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
    }

    [Fact]
    public void HeadMovingBackwardsIsCorrupt()
    {
        using var region = new NativeRegion(64, 1024);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(RingStatus.Ok, producer.TryWrite(new byte[4]));
            Assert.Equal(RingStatus.Ok, consumer.TryRead(new byte[4], out _));
        }

        // Fill until the producer must look at the head, after the consumer moved it backwards.
        region.Head = 1000;
        RingStatus status = RingStatus.Ok;
        for (int i = 0; i < 16 && status == RingStatus.Ok; i++)
        {
            status = producer.TryWrite(new byte[4]);
        }

        Assert.Equal(RingStatus.Corrupt, status);
    }
}

/// <summary>
/// The self-publishing records' own hazard: a slot the consumer is about to look at may hold
/// bytes from an earlier lap, and payload bytes are whatever the sender chose. Here every
/// payload word is a forged prefix, stamped for the next lap at that position, i.e. exactly what
/// the consumer would accept there. The producer's zeroing of the slot after each record must
/// keep all of them from being taken as records.
/// </summary>
public sealed unsafe class ForgedPayloadProperties
{
    [Property(MaxTest = 1000)]
    public void PayloadBytesNeverPoseAsRecords(PositiveInt seed, bool bigRing)
    {
        int capacity = bigRing ? 256 : 64;
        var random = new Random(seed.Get);
        ulong start = (ulong)random.Next(0, 1 << 20) * 8;
        using var region = new NativeRegion(capacity, start);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        long written = 0;
        long read = 0;
        for (int round = 0; round < 40; round++)
        {
            int batch = random.Next(1, 5);
            for (int i = 0; i < batch; i++)
            {
                int length = random.Next(0, producer.MaxPayloadLength + 1);
                if (producer.TryClaim(length, out Span<byte> payload) != RingStatus.Ok)
                {
                    break;
                }

                // Index of the payload's first byte: the claim may have padded, so take it from the span.
                ulong payloadIndex = producer.Tail + (ulong)(((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(payload)) - region.Data - (long)(producer.Tail & (ulong)(capacity - 1)) + capacity) % capacity);
                for (int w = 0; w + 8 <= length; w += 8)
                {
                    ulong nextLap = payloadIndex + (ulong)w + (ulong)capacity;
                    uint forgedLength = (uint)random.Next(0, 3) * 8;
                    BitConverter.TryWriteBytes(payload.Slice(w), ((ulong)SpscRing.StampOf(nextLap) << 32) | forgedLength);
                }

                Assert.Equal(RingStatus.Ok, producer.Commit(length));
                written++;
                if (random.Next(3) == 0)
                {
                    producer.Publish(); // sometimes mid-batch
                }
            }

            producer.Publish();
            int reads = random.Next(0, 6);
            for (int r = 0; r < reads; r++)
            {
                RingStatus status = consumer.TryPeek(out _);
                if (status == RingStatus.Empty)
                {
                    break;
                }

                Assert.Equal(RingStatus.Ok, status);
                consumer.Advance();
                read++;
                Assert.True(read <= written, "read a record that was never written");
            }

            consumer.Release();
        }

        while (consumer.TryPeek(out _) == RingStatus.Ok)
        {
            consumer.Advance();
            read++;
        }

        // Exactly what was written, then Empty: no forged record was ever accepted.
        Assert.Equal(written, read);
        Assert.Equal(RingStatus.Empty, consumer.TryPeek(out _));
        Assert.Equal(RingStatus.Ok, consumer.Status);
    }
}
