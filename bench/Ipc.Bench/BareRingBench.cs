using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// The reference the throughput goal is written against: "a bare ring of longs", and its
/// generalisation to the benchmark's message sizes: fixed slots of exactly the message's bytes
/// (8 B is the ring of longs), no framing, no header, no encoding, no validation of a hostile peer;
/// the head and tail each alone on their own pair of cache lines, the tail published every
/// <see cref="PublishEvery"/> values and the head once per consumed batch, as our ring does. The
/// producer copies each message's bytes in (the first 8 a sequence number), as our ring's sender
/// copies the payload; the consumer checks that the first 8 read 0, 1, 2, ..., as our ring's
/// handler does, so the loop cannot be optimised away and a broken run fails. Throughput only: a bare ring's round trip is what <see cref="FloorBench"/> measures.
/// </summary>
/// <remarks>
/// Measured in the same run as everything else so the table can say how much of the bare ring's
/// speed the typed ring keeps, which is the issue's framing ("keep that lead through framing,
/// encoding and typing"), independent of how fast Channels happens to run on the day.
/// </remarks>
public static unsafe class BareRingBench
{
    private const int RingBytes = 1 << 16; // the same data size as RingBench's ring
    private const int PublishEvery = 64;

    [StructLayout(LayoutKind.Explicit, Size = 384)]
    private sealed class Indices
    {
        // Written by the producer, read by the consumer.
        [FieldOffset(128)]
        public long Tail;

        // Written by the consumer, read by the producer.
        [FieldOffset(256)]
        public long Head;
    }

    /// <summary>Messages per second for <paramref name="size"/>-byte messages (a power of two, at least 8).</summary>
    public static double Throughput(int size)
    {
        if (size < sizeof(long) || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "a bare ring slot is a power of two of at least 8 bytes");
        }

        double rate = Run(size, 1_000_000);
        return Run(size, Budget.MessagesFor(rate, Budget.Throughput));
    }

    private static double Run(int size, long messages)
    {
        int words = size / sizeof(long);
        long slots = RingBytes / size;
        long mask = slots - 1; // sizes are powers of two, so the slot count is one
        long* ring = (long*)NativeMemory.AlignedAlloc(RingBytes, 128);
        long[] message = new long[words];
        try
        {
            Indices indices = new();
            long errors = 0;
            Thread consumer = new(() =>
            {
                long head = 0;
                long expected = 0;
                IdleWait idle = new();
                while (head < messages)
                {
                    long tail = Volatile.Read(ref indices.Tail);
                    if (tail == head)
                    {
                        idle.Full(); // no sleeping flag here: spin, and yield only if the producer stopped running
                        continue;
                    }

                    idle.Reset();
                    for (; head < tail; head++)
                    {
                        if (ring[(head & mask) * words] != expected++)
                        {
                            errors++;
                        }
                    }

                    Volatile.Write(ref indices.Head, head);
                }
            });
            consumer.Start();
            long start = Stopwatch.GetTimestamp();
            long cachedHead = 0;
            IdleWait full = new();
            for (long i = 0; i < messages; i++)
            {
                while (i - cachedHead >= slots)
                {
                    cachedHead = Volatile.Read(ref indices.Head);
                    if (i - cachedHead >= slots)
                    {
                        full.Full();
                    }
                }

                full.Reset();
                long* slot = ring + (i & mask) * words;
                if (words == 1)
                {
                    *slot = i; // the ring of longs itself: one store, no copy call
                }
                else
                {
                    message[0] = i;
                    message.AsSpan().CopyTo(new Span<long>(slot, words));
                }

                if ((i % PublishEvery) == PublishEvery - 1)
                {
                    Volatile.Write(ref indices.Tail, i + 1);
                }
            }

            Volatile.Write(ref indices.Tail, messages);
            consumer.Join();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (errors != 0)
            {
                throw new InvalidOperationException("bare ring lost or reordered values");
            }

            return messages / seconds;
        }
        finally
        {
            NativeMemory.AlignedFree(ring);
        }
    }
}
