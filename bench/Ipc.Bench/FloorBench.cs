using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// The physical floor of a cross-core round trip: one value bounced between two threads through
/// two shared variables, each alone on its cache line (and its adjacent-line prefetch partner).
/// </summary>
public static class FloorBench
{
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private sealed class PaddedLong
    {
        [FieldOffset(128)]
        public long Value;
    }

    public static RttSamples RoundTrips()
    {
        PaddedLong ping = new() { Value = -1 };
        PaddedLong pong = new() { Value = -1 };
        Thread echo = new(() =>
        {
            long last = -1;
            while (true)
            {
                long v = Volatile.Read(ref ping.Value);
                if (v == long.MinValue)
                {
                    return;
                }

                if (v != last)
                {
                    Volatile.Write(ref pong.Value, v);
                    last = v;
                }
            }
        });
        echo.Start();
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

            long t0 = Stopwatch.GetTimestamp();
            Volatile.Write(ref ping.Value, i);
            while (Volatile.Read(ref pong.Value) != i)
            {
            }

            long t1 = Stopwatch.GetTimestamp();
            if (i >= Budget.WarmupRoundTrips)
            {
                samples.Add(t1 - t0);
            }
        }

        Volatile.Write(ref ping.Value, long.MinValue);
        echo.Join();
        return samples;
    }
}
