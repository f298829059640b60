using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microkernel.Ipc;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>Garbage a hostile peer can leave in a shared ring region.</summary>
public sealed record RegionGarbage(int Capacity, byte[] Bytes, ulong Head, ulong Tail, (int Offset, byte Value)[] Scribbles)
{
    public override string ToString() => $"cap={Capacity} head=0x{Head:X} tail=0x{Tail:X} scribbles={Scribbles.Length}";
}

public static class HostileArbitraries
{
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
            select new RegionGarbage(capacity, bytes, head, head + delta, scribbles);
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
        using NativeRegion region = new NativeRegion(garbage.Capacity);
        garbage.Bytes.CopyTo(region.Bytes.Slice(SpscRing.HeaderBytes));
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
            Assert.Equal(RingStatus.Ok, consumer.Advance());
            // Never consumes past what the peer published, however the records are laid out.
            Assert.True(consumer.Head - garbage.Head <= garbage.Tail - garbage.Head, "consumed beyond the published tail");
            consumer.Release();
            Assert.True(++records <= maxRecords, "consumer produced more records than the ring can hold");
        }

        Assert.True(status == RingStatus.Empty || status == RingStatus.Corrupt, status.ToString());
    }

    [Property(MaxTest = 1000, Arbitrary = new[] { typeof(HostileArbitraries) })]
    public void ConsumerSurvivesScribblesIntoALiveStream(RegionGarbage garbage)
    {
        using NativeRegion region = new NativeRegion(garbage.Capacity, garbage.Head & ~7UL);
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
        using NativeRegion region = new NativeRegion(garbage.Capacity, garbage.Tail & ~7UL);
        SpscProducer producer = region.Producer();
        for (int round = 0; round < 8; round++)
        {
            region.Head = round % 2 == 0 ? garbage.Head : garbage.Tail - (ulong)(round * 8);
            for (int i = 0; i < 8; i++)
            {
                RingStatus status = producer.TryClaim(Payloads.LengthFor(i + round, producer.MaxPayloadLength), out Span<byte> payload);
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

    [Fact]
    public void CorruptionIsStickyAndReported()
    {
        using NativeRegion region = new NativeRegion(256);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Ok, producer.TryWrite(new byte[] { 1, 2, 3 }));
        Assert.Equal(RingStatus.Ok, producer.TryWrite(new byte[] { 4, 5, 6 }));
        Assert.Equal(RingStatus.Ok, consumer.TryPeek(out _)); // reads the tail: both records visible
        consumer.Advance();
        region.Tail = region.Tail + 4; // the peer now publishes a misaligned tail
        Assert.Equal(RingStatus.Ok, consumer.TryPeek(out _)); // the validated cached tail still covers record two
        consumer.Advance();
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _)); // re-reading the tail finds the lie
        region.Tail = region.Tail - 4; // even a repaired region stays rejected
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
        Assert.Equal(RingStatus.Corrupt, consumer.Status);
    }

    [Fact]
    public void PaddingBeyondThePublishedTailIsCorrupt()
    {
        using NativeRegion region = new NativeRegion(64, 32);
        // Published: 8 bytes at position 32, claiming to pad to the end (32 bytes).
        *(uint*)(region.Data + 32) = SpscRing.PaddingMarker;
        region.Tail = 40;
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
        Assert.Equal(32UL, consumer.Head);
    }

    [Fact]
    public void OversizedLengthPrefixIsCorruptNotAnOverread()
    {
        using NativeRegion region = new NativeRegion(128);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        Assert.Equal(RingStatus.Ok, producer.TryWrite(new byte[8]));
        *(uint*)region.Data = 1000; // prefix claims far more than the ring holds
        Assert.Equal(RingStatus.Corrupt, consumer.TryPeek(out _));
    }

    [Fact]
    public void HeadMovingBackwardsIsCorrupt()
    {
        using NativeRegion region = new NativeRegion(64, 1024);
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
