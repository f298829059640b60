using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microkernel.Ipc;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// <c>--breakdown</c>: where the time of one typed message goes, on one thread (no cross-core
/// traffic, so these are CPU costs only). Each stage runs batches of <see cref="Batch"/>
/// messages; the figure is the median batch time per message over the second half of the runs
/// (the first half goes through the JIT's tiers), which a few preemptions on a shared machine
/// do not move. Not part of ipc.json.
/// </summary>
public static unsafe class Breakdown
{
    private const int Batch = 64;
    private const int Batches = 100_000;
    private const int Rounds = 3;
    private const int Capacity = 1 << 16;
    private const int MaxBody = 1024;

    public static void Run(int size)
    {
        int length = SpscRing.RequiredBytes(Capacity);
        byte* a = (byte*)NativeMemory.AlignedAlloc((nuint)length, 128);
        byte* b = (byte*)NativeMemory.AlignedAlloc((nuint)length, 128);
        try
        {
            // Three rounds, the lowest figure of each stage kept: a shared machine only ever adds time.
            double[] best = new double[10];
            Array.Fill(best, double.MaxValue);
            for (int round = 0; round < Rounds; round++)
            {
                (double produce, double consume) = RawRing(a, length, size);
                (double send, double serve) = Typed(a, b, length, size);
                (double request, double server, double reply) = EchoCycle(a, b, length, size);
                double[] figures = { EncodeOnly(size), produce, consume, send, serve, request, server, reply, TimestampCost(), FenceCost() };
                for (int f = 0; f < figures.Length; f++)
                {
                    best[f] = Math.Min(best[f], figures[f]);
                }
            }

            Console.WriteLine($"  breakdown {size} B (ns per message, one thread, batches of {Batch}, best of {Rounds} rounds):");
            Print("encode body only (generated Encode into a byte[])", best[0]);
            Print($"raw ring produce: claim+copy {size + MessageHeader.Size} B+commit, publish/batch", best[1]);
            Print("raw ring consume: peek+advance, release/batch", best[2]);
            Print("typed send: TrySendDeliver, Flush/batch", best[3]);
            Print("typed serve: TryServe (peek+header+decode+dispatch)", best[4]);
            Print("echo client send: TrySendEcho + Flush (fenced)", best[5]);
            Print("echo server: TryServe(1) incl. reply encode + publish", best[6]);
            Print("echo client receive: TryReceive + TryDecodeEchoReply", best[7]);
            Print("(one Stopwatch.GetTimestamp, already subtracted from the echo stages)", best[8]);
            Print("(one Interlocked.MemoryBarrier: the sleeping handshake's fence, in each echo send and serve)", best[9]);
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
        }
    }

    private static void Print(string what, double ns) => Console.WriteLine($"    {ns,7:0.0}  {what}");

    private static double Median(long[] ticks, int perSample)
    {
        Array.Sort(ticks, ticks.Length / 2, ticks.Length / 2);
        return ticks[ticks.Length * 3 / 4] * 1e9 / Stopwatch.Frequency / perSample;
    }

    private static double EncodeOnly(int size)
    {
        byte[] data = new byte[size];
        byte[] buffer = new byte[MaxBody];
        long[] t = new long[Batches];
        int sink = 0;
        for (int k = 0; k < Batches; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < Batch; i++)
            {
                data[0] = (byte)i;
                MessagePackWriter writer = new(buffer);
                new Payload { Data = data }.Encode(ref writer);
                sink += writer.Position;
            }

            t[k] = Stopwatch.GetTimestamp() - t0;
        }

        GC.KeepAlive(sink);
        return Median(t, Batch);
    }

    private static (double Produce, double Consume) RawRing(byte* region, int length, int size)
    {
        SpscRing.Initialize(region, length, 0);
        SpscProducer producer = new(region, length);
        SpscConsumer consumer = new(region, length);
        byte[] data = new byte[size + MessageHeader.Size];
        long[] p = new long[Batches];
        long[] c = new long[Batches];
        long sum = 0;
        for (int k = 0; k < Batches; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < Batch; i++)
            {
                if (producer.TryClaim(data.Length, out Span<byte> slot) != RingStatus.Ok)
                {
                    throw new InvalidOperationException("claim");
                }

                data.CopyTo(slot);
                producer.Commit(data.Length);
            }

            producer.Publish();
            long t1 = Stopwatch.GetTimestamp();
            for (int i = 0; i < Batch; i++)
            {
                if (consumer.TryPeek(out ReadOnlySpan<byte> record) != RingStatus.Ok)
                {
                    throw new InvalidOperationException("peek");
                }

                sum += record[0];
                consumer.Advance();
            }

            consumer.Release();
            long t2 = Stopwatch.GetTimestamp();
            p[k] = t1 - t0;
            c[k] = t2 - t1;
        }

        GC.KeepAlive(sum);
        return (Median(p, Batch), Median(c, Batch));
    }

    private static (double Send, double Serve) Typed(byte* requests, byte* replies, int length, int size)
    {
        SpscRing.Initialize(requests, length, 0);
        SpscRing.Initialize(replies, length, 0);
        BenchClient client = new(new SpscProducer(requests, length), new SpscConsumer(replies, length), MaxBody, 64);
        CheckingHandler handler = new();
        ServerEndpoint server = new(new SpscConsumer(requests, length), new SpscProducer(replies, length), new BenchDispatcher(handler), MaxBody, MaxBody);
        byte[] data = new byte[size];
        long[] send = new long[Batches];
        long[] serve = new long[Batches];
        long i = 0;
        for (int k = 0; k < Batches; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            i = SendBatch(client, data, i);
            long t1 = Stopwatch.GetTimestamp();
            int served = ServeBatch(server, Batch);
            long t2 = Stopwatch.GetTimestamp();
            if (served != Batch)
            {
                throw new InvalidOperationException("serve");
            }

            send[k] = t1 - t0;
            serve[k] = t2 - t1;
        }

        if (handler.Errors != 0 || server.RejectedNotifications != 0)
        {
            throw new InvalidOperationException("damaged");
        }

        return (Median(send, Batch), Median(serve, Batch));
    }

    /// <summary>The round trip's CPU work without the cross-core transfers: one thread plays both sides.</summary>
    private static (double Request, double Server, double Reply) EchoCycle(byte* requests, byte* replies, int length, int size)
    {
        SpscRing.Initialize(requests, length, 0);
        SpscRing.Initialize(replies, length, 0);
        BenchClient client = new(new SpscProducer(requests, length), new SpscConsumer(replies, length), MaxBody, 64);
        ServerEndpoint server = new(new SpscConsumer(requests, length), new SpscProducer(replies, length), new BenchDispatcher(new CheckingHandler()), MaxBody, MaxBody);
        byte[] data = new byte[size];
        // One round trip is too short to time alone: time Batch of each stage, interleaved.
        long[] request = new long[Batches / 4];
        long[] serve = new long[Batches / 4];
        long[] reply = new long[Batches / 4];
        long i = 0;
        for (int k = 0; k < request.Length; k++)
        {
            long tRequest = 0, tServe = 0, tReply = 0;
            for (int m = 0; m < Batch; m++, i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(data, i);
                long t0 = Stopwatch.GetTimestamp();
                uint id = SendEcho(client, data);
                long t1 = Stopwatch.GetTimestamp();
                ServeBatch(server, 1);
                long t2 = Stopwatch.GetTimestamp();
                if (!ReceiveEcho(client, id, i))
                {
                    throw new InvalidOperationException("echo");
                }

                long t3 = Stopwatch.GetTimestamp();
                tRequest += t1 - t0;
                tServe += t2 - t1;
                tReply += t3 - t2;
            }

            request[k] = tRequest;
            serve[k] = tServe;
            reply[k] = tReply;
        }

        // Each stage's figure includes one timestamp read (subtracted below, measured the same way).
        double stamp = TimestampCost();
        return (Median(request, Batch) - stamp, Median(serve, Batch) - stamp, Median(reply, Batch) - stamp);
    }

    // The measured work sits in methods of its own (not inlined into the timing loops), so it is
    // compiled the way the benchmark's loops call it, not as part of an on-stack-replaced loop.

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long SendBatch(BenchClient client, byte[] data, long i)
    {
        for (int m = 0; m < Batch; m++, i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(data, i);
            if (client.TrySendDeliver(new Payload { Data = data }) != CallStatus.Ok)
            {
                throw new InvalidOperationException("send");
            }
        }

        client.Endpoint.Flush();
        return i;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ServeBatch(ServerEndpoint server, int max)
    {
        server.TryServe(max, out int served);
        return served;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint SendEcho(BenchClient client, byte[] data)
    {
        if (client.TrySendEcho(new Payload { Data = data }, out uint id) != CallStatus.Ok)
        {
            throw new InvalidOperationException("send");
        }

        client.Endpoint.Flush();
        return id;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ReceiveEcho(BenchClient client, uint id, long i)
    {
        return client.Endpoint.TryReceive(out ReplyMessage r) == CallStatus.Ok && r.RequestId == id
            && BenchClient.TryDecodeEchoReply(r, out Payload echoed) && BinaryPrimitives.ReadInt64LittleEndian(echoed.Data) == i;
    }

    private static double FenceCost()
    {
        long[] t = new long[Batches / 4];
        for (int k = 0; k < t.Length; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int m = 0; m < Batch; m++)
            {
                System.Threading.Interlocked.MemoryBarrier();
            }

            t[k] = Stopwatch.GetTimestamp() - t0;
        }

        return Median(t, Batch);
    }

    private static double TimestampCost()
    {
        long[] t = new long[Batches / 4];
        for (int k = 0; k < t.Length; k++)
        {
            long sum = 0;
            for (int m = 0; m < Batch; m++)
            {
                long t0 = Stopwatch.GetTimestamp();
                sum += Stopwatch.GetTimestamp() - t0;
            }

            t[k] = sum;
        }

        return Median(t, Batch);
    }
}
