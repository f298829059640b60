using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using Microkernel.Ipc;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// Our ring as services use it: typed Payload messages encoded by the generated codec, framed
/// with a MessageHeader, dispatched by the generated BenchDispatcher through ServerEndpoint.
/// Both sides busy-poll (a service would PrepareToSleep when idle; the benchmark keeps both
/// threads hot, as the floor does).
/// </summary>
public sealed unsafe class RingBench : IDisposable
{
    private const int Capacity = 1 << 16;
    private const int MaxBody = 1024;
    private const int FlushEvery = 64;

    private readonly byte* _requests;
    private readonly byte* _replies;
    private readonly int _length = SpscRing.RequiredBytes(Capacity);

    public RingBench()
    {
        _requests = (byte*)NativeMemory.AlignedAlloc((nuint)_length, 128);
        _replies = (byte*)NativeMemory.AlignedAlloc((nuint)_length, 128);
    }

    /// <summary>Fresh rings and the client end; the server end is made by <see cref="Serve"/> on its own thread.</summary>
    private BenchClient Connect()
    {
        SpscRing.Initialize(_requests, _length, 0);
        SpscRing.Initialize(_replies, _length, 0);
        return new BenchClient(new SpscProducer(_requests, _length), new SpscConsumer(_replies, _length), MaxBody, 64);
    }

    /// <summary>
    /// The server end, built on the thread that runs it. Each side's objects then come from that
    /// thread's allocation context, as they would from separate address spaces; built together they
    /// would sit on shared cache lines and every per-message field update would bounce between cores.
    /// </summary>
    private (ServerEndpoint Server, CheckingHandler Handler) Serve()
    {
        CheckingHandler handler = new();
        ServerEndpoint server = new(new SpscConsumer(_requests, _length), new SpscProducer(_replies, _length), new BenchDispatcher(handler), MaxBody, MaxBody);
        return (server, handler);
    }

    /// <summary>
    /// One-way Deliver notifications, published every 64 messages without a fence, flushed (fenced,
    /// wake-up check) when the ring is full and at the end. Publishing
    /// in batches keeps the consumer off the cache lines the producer is still filling; with a
    /// publish every few lines the two cores trade those lines back and forth.
    /// </summary>
    public double Throughput(int size)
    {
        double rate = ThroughputRun(size, 200_000);
        return ThroughputRun(size, Budget.MessagesFor(rate, Budget.Throughput));
    }

    private double ThroughputRun(int size, long messages)
    {
        BenchClient client = Connect();
        byte[] data = new byte[size];
        IdleWait serverWait = new();
        IdleWait clientWait = new();
        long errors = 0;
        long rejected = 0;
        // The producer may lower this (see the deadline below); the consumer reads it each loop.
        long target = messages;
        Thread consumer = new(() =>
        {
            (ServerEndpoint server, CheckingHandler handler) = Serve();
            // Delegates made once: a method group converted inside the loop allocates on every poll.
            Func<RingStatus> prepare = server.PrepareToSleep;
            Action clear = server.ClearSleeping;
            while (handler.Expected < Volatile.Read(ref target))
            {
                if (server.TryServe(256, out _) == ServeStatus.Idle)
                {
                    serverWait.Idle(prepare, clear);
                }
                else
                {
                    serverWait.Reset();
                }
            }

            errors = handler.Errors;
            rejected = server.RejectedNotifications;
        });
        consumer.Start();
        long start = Stopwatch.GetTimestamp();
        // The message count comes from a short warm-up; if the machine then gets busy (it is
        // shared) a run could take minutes. Stop at 3x the budget and count what was sent.
        long deadline = start + (long)(3 * Budget.Throughput.TotalSeconds * Stopwatch.Frequency);
        for (long i = 0; i < messages; i++)
        {
            if ((i & 0xFFFF) == 0 && i > 0 && Stopwatch.GetTimestamp() > deadline)
            {
                messages = i;
                Volatile.Write(ref target, i);
                break;
            }

            BinaryPrimitives.WriteInt64LittleEndian(data, i);
            CallStatus status;
            while ((status = client.TrySendDeliver(new Payload { Data = data })) == CallStatus.RequestRingFull)
            {
                Flush(client, serverWait);
                clientWait.Full();
            }

            clientWait.Reset();
            if (status != CallStatus.Ok)
            {
                throw new InvalidOperationException(status.ToString());
            }

            if ((i % FlushEvery) == FlushEvery - 1 && client.Endpoint.Publish())
            {
                serverWait.Ring(); // mid-burst: unfenced publish; the burst ends with Flush below
            }
        }

        Flush(client, serverWait);
        consumer.Join();
        Console.WriteLine($"    ring throughput {size} B x {messages}: server slept {serverWait.Sleeps}, yielded {serverWait.Yields}");
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (errors != 0 || rejected != 0)
        {
            throw new InvalidOperationException("ring delivered damaged or out-of-order messages");
        }

        return messages / seconds;
    }

    private static void Flush(BenchClient client, IdleWait serverWait)
    {
        if (client.Endpoint.Flush())
        {
            serverWait.Ring();
        }
    }

    /// <summary>Echo request, reply decoded and checked, one at a time.</summary>
    public RttSamples RoundTrips(int size)
    {
        BenchClient client = Connect();
        bool stop = false;
        IdleWait serverWait = new();
        IdleWait clientWait = new();
        Thread serverThread = new(() =>
        {
            (ServerEndpoint server, CheckingHandler _) = Serve();
            Func<RingStatus> prepare = server.PrepareToSleep;
            Action clear = server.ClearSleeping;
            while (!Volatile.Read(ref stop))
            {
                ServeStatus served = server.TryServe(32, out _);
                if (server.WakeNeeded)
                {
                    clientWait.Ring();
                }

                if (served == ServeStatus.Idle)
                {
                    serverWait.Idle(prepare, clear);
                }
                else
                {
                    serverWait.Reset();
                }
            }
        });
        serverThread.Start();
        byte[] data = new byte[size];
        Func<RingStatus> clientPrepare = client.Endpoint.PrepareToSleep;
        Action clientClear = client.Endpoint.ClearSleeping;
        RttSamples samples = new(Budget.MaxRttSamples);
        long deadline = 0;
        for (long i = 0; !samples.Full; i++)
        {
            if (i == Budget.WarmupRoundTrips)
            {
                deadline = Stopwatch.GetTimestamp() + (long)(Budget.RoundTrip.TotalSeconds * Stopwatch.Frequency);
            }
            else if (i > Budget.WarmupRoundTrips && Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }

            BinaryPrimitives.WriteInt64LittleEndian(data, i);
            long t0 = Stopwatch.GetTimestamp();
            if (client.TrySendEcho(new Payload { Data = data }, out uint id) != CallStatus.Ok)
            {
                throw new InvalidOperationException("send failed");
            }

            Flush(client, serverWait);
            ReplyMessage reply;
            CallStatus status;
            while ((status = client.Endpoint.TryReceive(out reply)) == CallStatus.NoReply)
            {
                clientWait.Idle(clientPrepare, clientClear);
            }

            clientWait.Reset();

            if (status != CallStatus.Ok || reply.RequestId != id || !BenchClient.TryDecodeEchoReply(reply, out Payload echoed)
                || BinaryPrimitives.ReadInt64LittleEndian(echoed.Data) != i)
            {
                throw new InvalidOperationException("bad echo " + status);
            }

            long t1 = Stopwatch.GetTimestamp();
            if (i >= Budget.WarmupRoundTrips)
            {
                samples.Add(t1 - t0);
            }
        }

        Volatile.Write(ref stop, true);
        serverWait.Ring();
        serverThread.Join();
        Console.WriteLine($"    ring rtt {size} B: server slept {serverWait.Sleeps}, yielded {serverWait.Yields}; client slept {clientWait.Sleeps}, yielded {clientWait.Yields}");
        return samples;
    }

    /// <summary>
    /// Profiling aid (<c>--only ring-cpu</c>): the CPU cost of the typed path with no cross-core
    /// traffic, i.e. one thread sending a batch of <see cref="FlushEvery"/> Deliver notifications and
    /// then serving them. Returns (send ns, serve ns) per message: the median over many batches,
    /// which a shared machine's preemptions (a few batches) do not move.
    /// </summary>
    public (double Send, double Serve) SingleThreadCost(int size)
    {
        BenchClient client = Connect();
        (ServerEndpoint server, CheckingHandler handler) = Serve();
        byte[] data = new byte[size];
        const int Batches = 400_000;
        long[] send = new long[Batches];
        long[] serve = new long[Batches];
        long i = 0;
        for (int b = 0; b < Batches; b++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < FlushEvery; k++, i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(data, i);
                if (client.TrySendDeliver(new Payload { Data = data }) != CallStatus.Ok)
                {
                    throw new InvalidOperationException("send");
                }
            }

            client.Endpoint.Flush();
            long t1 = Stopwatch.GetTimestamp();
            server.TryServe(FlushEvery, out int served);
            long t2 = Stopwatch.GetTimestamp();
            if (served != FlushEvery)
            {
                throw new InvalidOperationException("serve");
            }

            send[b] = t1 - t0;
            serve[b] = t2 - t1;
        }

        if (handler.Errors != 0 || server.RejectedNotifications != 0)
        {
            throw new InvalidOperationException("damaged");
        }

        // The second half only: the first runs through the JIT's tiers.
        Array.Sort(send, Batches / 2, Batches / 2);
        Array.Sort(serve, Batches / 2, Batches / 2);
        double perMessage = 1e9 / Stopwatch.Frequency / FlushEvery;
        return (send[Batches * 3 / 4] * perMessage, serve[Batches * 3 / 4] * perMessage);
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_requests);
        NativeMemory.AlignedFree(_replies);
    }
}
