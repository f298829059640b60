using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Tasks;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// System.IO.Pipelines with default options: N-byte messages written with GetSpan/Advance and
/// flushed every 64 messages (like our ring's batch publish) for throughput, every message for
/// round trips; the reader consumes every complete message in each buffer it gets.
/// </summary>
public static class PipelinesBench
{
    private const int FlushEvery = 64;

    public static double Throughput(int size)
    {
        double rate = Run(size, 100_000);
        return Run(size, Budget.MessagesFor(rate, Budget.Throughput));
    }

    private static double Run(int size, long messages)
    {
        Pipe pipe = new();
        long start = Stopwatch.GetTimestamp();
        Task<long> reader = Task.Run(async () =>
        {
            long expected = 0;
            while (true)
            {
                ReadResult result = await pipe.Reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                expected = Consume(ref buffer, size, expected);
                pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            return expected;
        });
        var writer = Task.Run(async () =>
        {
            for (long i = 0; i < messages; i++)
            {
                Span<byte> span = pipe.Writer.GetSpan(size).Slice(0, size);
                span.Clear();
                BinaryPrimitives.WriteInt64LittleEndian(span, i);
                pipe.Writer.Advance(size);
                if (i % FlushEvery == FlushEvery - 1)
                {
                    await pipe.Writer.FlushAsync().ConfigureAwait(false);
                }
            }

            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        });
        writer.GetAwaiter().GetResult();
        long received = reader.GetAwaiter().GetResult();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (received != messages)
        {
            throw new InvalidOperationException("pipelines lost messages");
        }

        return messages / seconds;
    }

    private static long Consume(ref ReadOnlySequence<byte> buffer, int size, long expected)
    {
        Span<byte> head = stackalloc byte[8];
        while (buffer.Length >= size)
        {
            buffer.Slice(0, 8).CopyTo(head);
            if (BinaryPrimitives.ReadInt64LittleEndian(head) != expected)
            {
                throw new InvalidOperationException("pipelines reordered");
            }

            expected++;
            buffer = buffer.Slice(size);
        }

        return expected;
    }

    public static RttSamples RoundTrips(int size)
    {
        Pipe ping = new();
        Pipe pong = new();
        var echo = Task.Run(async () =>
        {
            while (true)
            {
                ReadResult result = await ping.Reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool wrote = false;
                while (buffer.Length >= size)
                {
                    buffer.Slice(0, size).CopyTo(pong.Writer.GetSpan(size));
                    pong.Writer.Advance(size);
                    buffer = buffer.Slice(size);
                    wrote = true;
                }

                ping.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    await pong.Writer.FlushAsync().ConfigureAwait(false);
                }

                if (result.IsCompleted)
                {
                    await pong.Writer.CompleteAsync().ConfigureAwait(false);
                    return;
                }
            }
        });
        RttSamples samples = Task.Run(async () =>
        {
            RttSamples s = new(Budget.MaxRttSamples);
            long deadline = 0;
            byte[] head = new byte[8];
            for (long i = 0; !s.Full; i++)
            {
                if (i == Budget.WarmupRoundTrips)
                {
                    deadline = Stopwatch.GetTimestamp() + (long)(Budget.RoundTrip.TotalSeconds * Stopwatch.Frequency);
                }
                else if (i > Budget.WarmupRoundTrips && Stopwatch.GetTimestamp() > deadline)
                {
                    break;
                }

                long t0 = Stopwatch.GetTimestamp();
                Memory<byte> memory = ping.Writer.GetMemory(size).Slice(0, size);
                memory.Span.Clear();
                BinaryPrimitives.WriteInt64LittleEndian(memory.Span, i);
                ping.Writer.Advance(size);
                await ping.Writer.FlushAsync().ConfigureAwait(false);
                while (true)
                {
                    ReadResult result = await pong.Reader.ReadAsync().ConfigureAwait(false);
                    ReadOnlySequence<byte> buffer = result.Buffer;
                    if (buffer.Length >= size)
                    {
                        buffer.Slice(0, 8).CopyTo(head);
                        pong.Reader.AdvanceTo(buffer.Slice(size).Start);
                        break;
                    }

                    pong.Reader.AdvanceTo(buffer.Start, buffer.End);
                }

                long t1 = Stopwatch.GetTimestamp();
                if (BinaryPrimitives.ReadInt64LittleEndian(head) != i)
                {
                    throw new InvalidOperationException("pipelines echo mismatch");
                }

                if (i >= Budget.WarmupRoundTrips)
                {
                    s.Add(t1 - t0);
                }
            }

            return s;
        }).GetAwaiter().GetResult();
        ping.Writer.Complete();
        echo.GetAwaiter().GetResult();
        return samples;
    }
}
