using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// System.Threading.Channels, bounded, single reader and single writer, used the recommended
/// way: TryWrite with WriteAsync as the slow path, WaitToReadAsync + TryRead loops on the reader.
/// Messages are N-byte structs (the first 8 bytes a checked sequence number).
/// </summary>
public static class ChannelsBench
{
    private const int Capacity = 1024;

    private static Channel<T> Create<T>() => Channel.CreateBounded<T>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private static T With<T>(long sequence) where T : struct
    {
        T value = default;
        Unsafe.As<T, long>(ref value) = sequence;
        return value;
    }

    private static long SequenceOf<T>(in T value) where T : struct => Unsafe.As<T, long>(ref Unsafe.AsRef(in value));

    public static double Throughput(int size) => size switch
    {
        8 => Throughput<Block8>(),
        64 => Throughput<Block64>(),
        _ => Throughput<Block512>(),
    };

    public static RttSamples RoundTrips(int size) => size switch
    {
        8 => RoundTrips<Block8>(),
        64 => RoundTrips<Block64>(),
        _ => RoundTrips<Block512>(),
    };

    private static double Throughput<T>() where T : struct
    {
        double rate = Run<T>(100_000);
        return Run<T>(Budget.MessagesFor(rate, Budget.Throughput));
    }

    private static double Run<T>(long messages) where T : struct
    {
        Channel<T> channel = Create<T>();
        long start = Stopwatch.GetTimestamp();
        Task<long> reader = Task.Run(async () =>
        {
            long expected = 0;
            ChannelReader<T> r = channel.Reader;
            while (await r.WaitToReadAsync().ConfigureAwait(false))
            {
                while (r.TryRead(out T item))
                {
                    if (SequenceOf(item) != expected)
                    {
                        throw new InvalidOperationException("channels reordered");
                    }

                    expected++;
                }
            }

            return expected;
        });
        var writer = Task.Run(async () =>
        {
            ChannelWriter<T> w = channel.Writer;
            for (long i = 0; i < messages; i++)
            {
                T item = With<T>(i);
                if (!w.TryWrite(item))
                {
                    await w.WriteAsync(item).ConfigureAwait(false);
                }
            }

            w.Complete();
        });
        writer.GetAwaiter().GetResult();
        long received = reader.GetAwaiter().GetResult();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (received != messages)
        {
            throw new InvalidOperationException("channels lost messages");
        }

        return messages / seconds;
    }

    private static RttSamples RoundTrips<T>() where T : struct
    {
        Channel<T> ping = Create<T>();
        Channel<T> pong = Create<T>();
        var echo = Task.Run(async () =>
        {
            ChannelReader<T> r = ping.Reader;
            ChannelWriter<T> w = pong.Writer;
            while (await r.WaitToReadAsync().ConfigureAwait(false))
            {
                while (r.TryRead(out T item))
                {
                    if (!w.TryWrite(item))
                    {
                        await w.WriteAsync(item).ConfigureAwait(false);
                    }
                }
            }
        });
        RttSamples samples = Task.Run(async () =>
        {
            RttSamples s = new(Budget.MaxRttSamples);
            long deadline = 0;
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
                T item = With<T>(i);
                if (!ping.Writer.TryWrite(item))
                {
                    await ping.Writer.WriteAsync(item).ConfigureAwait(false);
                }

                T back = await pong.Reader.ReadAsync().ConfigureAwait(false);
                long t1 = Stopwatch.GetTimestamp();
                if (SequenceOf(back) != i)
                {
                    throw new InvalidOperationException("channels echo mismatch");
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
