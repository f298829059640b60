using Microkernel.Ipc;
using Microkernel.Memory;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>A contract used only by the in-image IPC tests.</summary>
[IpcContract(0x7E570001)]
public interface ICounter
{
    /// <summary>Adds to the counter and returns the new total.</summary>
    [IpcMethod(1)]
    CounterTotal Add(in CounterAdd request);
}

/// <summary>How much to add.</summary>
[IpcMessage]
public partial struct CounterAdd
{
    /// <summary>The amount.</summary>
    public long Amount;
}

/// <summary>The counter after the addition.</summary>
[IpcMessage]
public partial struct CounterTotal
{
    /// <summary>The running total.</summary>
    public long Total;
    /// <summary>How many additions so far.</summary>
    public uint Calls;
}

internal sealed class Counter : ICounter
{
    private long _total;
    private uint _calls;

    public CounterTotal Add(in CounterAdd request)
    {
        _total += request.Amount;
        _calls++;
        return new CounterTotal { Total = _total, Calls = _calls };
    }
}

/// <summary>The portable IPC library (ipc/) running inside the image, unchanged:
/// rings over frames, wrap-around, a corrupted peer, and a typed call and reply.</summary>
internal static unsafe class IpcTests
{
    internal static void Register()
    {
        TestRegistry.Add("ipc/ring-order-and-wrap", &RingOrderAndWrap);
        TestRegistry.Add("ipc/ring-full-then-drained", &RingFull);
        TestRegistry.Add("ipc/ring-corrupt-peer-detected", &CorruptPeer);
        TestRegistry.Add("ipc/typed-call-and-reply", &TypedCall);
    }

    private const int Capacity = 4096;

    private static byte* NewRing(ulong startIndex, out int length)
    {
        length = SpscRing.RequiredBytes(Capacity);
        ulong frames = ((ulong)length + 4095) / 4096;
        if (!PhysicalMemory.TryAllocateContiguous(FramePurpose.Test, frames, 1, out ulong region))
        {
            return null;
        }

        if (SpscRing.Initialize((byte*)region, length, startIndex) != RingStatus.Ok)
        {
            FreeRing((byte*)region, length);
            return null;
        }
        return (byte*)region;
    }

    // Any writable address: Initialize must refuse before touching it.
    private static ulong KernelImage() => Diagnostics.KernelImage.DataStart;

    private static void FreeRing(byte* region, int length)
    {
        for (ulong f = 0; f < ((ulong)length + 4095) / 4096; f++)
        {
            PhysicalMemory.Free(FramePurpose.Test, (ulong)region + f * 4096);
        }
    }

    private static void RingOrderAndWrap(ref TestResult t)
    {
        // Start just below 2^64 (8-aligned, as records are) so the indices wrap mid-test.
        Equal(ref t, (long)RingStatus.InvalidArgument, (long)SpscRing.Initialize((byte*)KernelImage(), 4352, 3), "a misaligned start index is refused"u8);
        byte* region = NewRing(ulong.MaxValue - 4095, out int length);
        True(ref t, region != null, "ring memory"u8);
        if (region == null)
        {
            return;
        }

        var producer = new SpscProducer(region, length);
        var consumer = new SpscConsumer(region, length);
        System.Span<byte> buffer = stackalloc byte[256];
        int written = 0, read = 0, rounds = 0;
        bool intact = true;
        RingStatus lastWrite = RingStatus.Ok;
        // Bounded: a ring that stops moving must fail the case, not hang the image.
        while (read < 3000 && rounds++ < 10_000)
        {
            while (written < 3000)
            {
                int size = written * 7 % 200 + 1;
                for (int j = 0; j < size; j++)
                {
                    buffer[j] = (byte)(written + j);
                }

                lastWrite = producer.TryWrite(buffer.Slice(0, size));
                if (lastWrite != RingStatus.Ok)
                {
                    break;
                }

                written++;
            }
            producer.Publish();
            while (consumer.TryRead(buffer, out int got) == RingStatus.Ok)
            {
                int expected = read * 7 % 200 + 1;
                if (got != expected || buffer[got - 1] != (byte)(read + got - 1))
                {
                    intact = false;
                }

                read++;
            }
            consumer.Release();
        }
        Equal(ref t, (long)RingStatus.Full, (long)(written == 3000 ? RingStatus.Full : lastWrite), "the producer only ever stopped on Full"u8);
        Equal(ref t, (long)RingStatus.Ok, (long)producer.Status, "producer status"u8);
        Equal(ref t, 3000, read, "every record arrived"u8);
        True(ref t, intact, "in order, lengths and payloads intact"u8);
        True(ref t, consumer.Head < 3000 * 216, "the index wrapped past 2^64"u8);
        Equal(ref t, (long)RingStatus.Ok, (long)consumer.Status, "no corruption seen"u8);
        FreeRing(region, length);
    }

    private static void RingFull(ref TestResult t)
    {
        byte* region = NewRing(0, out int length);
        if (region == null) { True(ref t, false, "ring memory"u8); return; }
        var producer = new SpscProducer(region, length);
        var consumer = new SpscConsumer(region, length);
        System.Span<byte> record = stackalloc byte[100];
        int accepted = 0;
        while (producer.TryWrite(record) == RingStatus.Ok)
        {
            accepted++;
        }

        producer.Publish();
        True(ref t, accepted > 10 && accepted < Capacity / 100 + 1, "the ring fills at its capacity"u8);
        Equal(ref t, (long)RingStatus.Full, (long)producer.TryWrite(record), "a full ring says Full"u8);
        int drained = 0;
        while (consumer.TryRead(record, out _) == RingStatus.Ok)
        {
            drained++;
        }

        consumer.Release();
        Equal(ref t, accepted, drained, "everything written is read"u8);
        Equal(ref t, (long)RingStatus.Empty, (long)consumer.TryRead(record, out _), "then Empty"u8);
        Equal(ref t, (long)RingStatus.Ok, (long)producer.TryWrite(record), "and writable again"u8);
        FreeRing(region, length);
    }

    private static void CorruptPeer(ref TestResult t)
    {
        byte* region = NewRing(0, out int length);
        if (region == null) { True(ref t, false, "ring memory"u8); return; }
        var consumer = new SpscConsumer(region, length);
        // A hostile producer publishes (correct stamp for index 0) a record far longer than the ring.
        *(ulong*)(region + SpscRing.HeaderBytes) = ((ulong)SpscRing.StampOf(0) << 32) | 0x7FFF_FFF0u;
        System.Span<byte> record = stackalloc byte[64];
        Equal(ref t, (long)RingStatus.Corrupt, (long)consumer.TryRead(record, out _), "an impossible record length is corruption"u8);
        Equal(ref t, (long)RingStatus.Corrupt, (long)consumer.Status, "and it sticks"u8);
        FreeRing(region, length);
    }

    private static void TypedCall(ref TestResult t)
    {
        byte* requests = NewRing(0, out int length);
        byte* replies = NewRing(0, out _);
        if (requests == null || replies == null) { True(ref t, false, "ring memory"u8); return; }
        var client = new CounterClient(new SpscProducer(requests, length), new SpscConsumer(replies, length), 256, 8);
        var server = new ServerEndpoint(new SpscConsumer(requests, length), new SpscProducer(replies, length),
            new CounterDispatcher(new Counter()), 256, 256);
        long total = 0;
        for (int i = 1; i <= 50; i++)
        {
            Equal(ref t, (long)CallStatus.Ok, (long)client.TrySendAdd(new CounterAdd { Amount = i }, out uint requestId), "send"u8);
            client.Endpoint.Flush();
            Equal(ref t, (long)ServeStatus.Ok, (long)server.TryServe(4, out int served), "serve"u8);
            Equal(ref t, 1, served, "one request served"u8);
            Equal(ref t, (long)CallStatus.Ok, (long)client.Endpoint.TryReceive(out ReplyMessage reply), "receive"u8);
            Equal(ref t, (ulong)requestId, (ulong)reply.RequestId, "the reply answers the request"u8);
            True(ref t, CounterClient.TryDecodeAddReply(in reply, out CounterTotal result), "decode"u8);
            total += i;
            Equal(ref t, total, result.Total, "running total"u8);
            Equal(ref t, (long)i, (long)result.Calls, "call count"u8);
        }
        Equal(ref t, 0, client.Endpoint.Outstanding, "nothing left in flight"u8);
        FreeRing(requests, length);
        FreeRing(replies, length);
    }
}
