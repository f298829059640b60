using System;
using FsCheck.Xunit;
using Microkernel.Ipc;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>
/// Model-based properties: random sequences of writes, reads, batches, abandoned claims and
/// short commits agree with <see cref="RingModel"/> on every status, every payload and every index,
/// starting at indices that cross the 2^32 and 2^64 boundaries during the run.
/// </summary>
public sealed class RingModelProperties
{
    [Property(MaxTest = 1000, Arbitrary = new[] { typeof(RingArbitraries) })]
    public void RingBehavesLikeTheQueueModel(RingScenario scenario)
    {
        using var region = new NativeRegion(scenario.Capacity, scenario.StartIndex);
        SpscProducer producer = region.Producer();
        SpscConsumer consumer = region.Consumer();
        var model = new RingModel(scenario.Capacity, scenario.StartIndex);
        long nextSequence = 0;

        foreach (RingOp op in scenario.Ops)
        {
            switch (op.Kind)
            {
                case RingOpKind.Write:
                    Write(producer, model, ref nextSequence, op.Length);
                    producer.Publish();
                    break;
                case RingOpKind.BatchWrite:
                    for (int i = 0; i < op.Count; i++)
                    {
                        Write(producer, model, ref nextSequence, (op.Length + i * 5) % (model.MaxPayload + 1));
                    }

                    producer.Publish();
                    break;
                case RingOpKind.Read:
                    Read(consumer, model, region);
                    consumer.Release();
                    break;
                case RingOpKind.BatchRead:
                    for (int i = 0; i < op.Count; i++)
                    {
                        Read(consumer, model, region);
                    }

                    consumer.Release();
                    break;
                case RingOpKind.AbandonedClaim:
                    // A claim that is never committed must leave no trace.
                    if (producer.TryClaim(Math.Min(op.Length, model.MaxPayload), out Span<byte> junk) == RingStatus.Ok)
                    {
                        junk.Fill(0xEE);
                    }

                    producer.Publish();
                    break;
                case RingOpKind.ShortCommit:
                    ShortCommit(producer, model, ref nextSequence, Math.Min(op.Length, model.MaxPayload));
                    producer.Publish();
                    break;
                case RingOpKind.Append:
                    // The exact-size fast path, mixed with claims in one batch.
                    for (int i = 0; i < op.Count; i++)
                    {
                        int length = (op.Length + i * 3) % (model.MaxPayload + 17);
                        if (i % 3 == 2)
                        {
                            Write(producer, model, ref nextSequence, Math.Min(length, model.MaxPayload));
                        }
                        else
                        {
                            Append(producer, model, ref nextSequence, length);
                        }
                    }

                    producer.Publish();
                    break;
            }

            Assert.Equal(model.Tail, producer.Tail);
            Assert.Equal(model.Head, consumer.Head);
            Assert.Equal(model.Tail, region.Tail);
        }

        // Drain: everything written comes out, in order, then the ring is empty.
        while (model.Count > 0)
        {
            Read(consumer, model, region);
        }

        Assert.Equal(RingStatus.Empty, consumer.TryPeek(out _));
        Assert.Equal(RingStatus.Ok, producer.Status);
        Assert.Equal(RingStatus.Ok, consumer.Status);
    }

    private static void Write(SpscProducer producer, RingModel model, ref long sequence, int length)
    {
        RingStatus expected = model.Write(sequence, length);
        RingStatus actual = producer.TryClaim(length, out Span<byte> payload);
        Assert.Equal(expected, actual);
        if (actual == RingStatus.Ok)
        {
            Payloads.Fill(sequence, payload);
            Assert.Equal(RingStatus.Ok, producer.Commit(length));
            sequence++;
        }
    }

    private static unsafe void Append(SpscProducer producer, RingModel model, ref long sequence, int length)
    {
        RingStatus expected = model.Write(sequence, length);
        byte* payload = producer.TryAppend(length, out RingStatus actual);
        Assert.Equal(expected, actual);
        Assert.Equal(actual == RingStatus.Ok, payload != null);
        if (actual == RingStatus.Ok)
        {
            // Committed already; the bytes only have to be there before the publish.
            Payloads.Fill(sequence, new Span<byte>(payload, length));
            Assert.Equal(RingStatus.InvalidArgument, producer.Commit(0)); // no claim is left open
            sequence++;
        }
    }

    private static void ShortCommit(SpscProducer producer, RingModel model, ref long sequence, int claimed)
    {
        int actualLength = claimed / 2;
        RingStatus status = producer.TryClaim(claimed, out Span<byte> payload);
        if (status != RingStatus.Ok)
        {
            // The model cannot claim-then-shrink; only check the claim was refused for a real reason.
            Assert.Equal(RingStatus.Full, status);
            return;
        }

        // The claim decided the layout: if the claimed size did not fit before the end of the
        // data area the producer padded to the wrap point, even though the shorter record would
        // have fit. The model must follow the same rule.
        Payloads.Fill(sequence, payload.Slice(0, actualLength));
        Assert.Equal(RingStatus.Ok, producer.Commit(actualLength));
        Assert.Equal(RingStatus.InvalidArgument, producer.Commit(actualLength));
        ulong claimBytes = (ulong)((8 + claimed + 7) & ~7);
        ulong toEnd = (ulong)model.Capacity - (model.Tail % (ulong)model.Capacity);
        RingStatus modelled = claimBytes > toEnd ? model.WritePadded(sequence, actualLength) : model.Write(sequence, actualLength);
        Assert.Equal(RingStatus.Ok, modelled);
        sequence++;
    }

    private static void Read(SpscConsumer consumer, RingModel model, NativeRegion region)
    {
        bool expected = model.TryRead(out long sequence, out int length);
        RingStatus status = consumer.TryPeek(out ReadOnlySpan<byte> payload);
        Assert.Equal(expected ? RingStatus.Ok : RingStatus.Empty, status);
        if (status == RingStatus.Ok)
        {
            Assert.True(region.InData(payload));
            Assert.True(Payloads.Check(sequence, payload, length), "payload corrupted or out of order");
            Assert.Equal(RingStatus.Ok, consumer.Advance());
        }
    }
}
