using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// The reference the throughput goal is written against: "a bare ring of longs". One
/// 64-bit value per slot, no framing, no header, no encoding, no validation of a hostile peer;
/// the head and tail each alone on their own pair of cache lines, the tail published every
/// <see cref="PublishEvery"/> values and the head once per consumed batch, as our ring does. The
/// consumer checks that it sees 0, 1, 2, ... so the loop cannot be optimised away and a broken
/// run fails. Throughput only: a bare ring's round trip is what <see cref="FloorBench"/> measures.
/// </summary>
/// <remarks>
/// Measured in the same run as everything else so the table can say how much of the bare ring's
/// speed the typed ring keeps, which is the issue's framing ("keep that lead through framing,
/// encoding and typing"), independent of how fast Channels happens to run on the day.
/// </remarks>
public static unsafe class BareRingBench
{
    private const int Slots = 1 << 13; // 64 KiB of longs: the same data size as RingBench's ring
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

    public static double Throughput()
    {
        double rate = Run(1_000_000);
        return Run(Budget.MessagesFor(rate * 4, Budget.Throughput)); // the clamp's top caps a very fast run
    }

    private static double Run(long messages)
    {
        long* slots = (long*)NativeMemory.AlignedAlloc(Slots * sizeof(long), 128);
        try
        {
            Indices indices = new();
            long errors = 0;
            Thread consumer = new(() =>
            {
                long head = 0;
                long expected = 0;
                int idle = 0;
                while (head < messages)
                {
                    long tail = Volatile.Read(ref indices.Tail);
                    if (tail == head)
                    {
                        Wait(ref idle);
                        continue;
                    }

                    idle = 0;
                    for (; head < tail; head++)
                    {
                        if (slots[head & (Slots - 1)] != expected++)
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
            int full = 0;
            for (long i = 0; i < messages; i++)
            {
                while (i - cachedHead >= Slots)
                {
                    cachedHead = Volatile.Read(ref indices.Head);
                    if (i - cachedHead >= Slots)
                    {
                        Wait(ref full);
                    }
                }

                full = 0;
                slots[i & (Slots - 1)] = i;
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
            NativeMemory.AlignedFree(slots);
        }
    }

    /// <summary>Spin, and give the core away only once the peer has clearly stopped running (it shares our core).</summary>
    private static void Wait(ref int spins)
    {
        if (++spins < 1 << 16)
        {
            Thread.SpinWait(1);
        }
        else
        {
            spins = 0;
            Thread.Yield();
        }
    }
}
