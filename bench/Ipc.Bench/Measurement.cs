using System;
using System.Diagnostics;

namespace Microkernel.Ipc.Bench;

/// <summary>One row of bench/results/ipc.json.</summary>
public sealed record Measurement(string Impl, int Size, double? ThroughputMsgsPerS, double RttP50Ns, double RttP99Ns);

/// <summary>Round-trip samples in Stopwatch ticks, turned into percentiles in nanoseconds.</summary>
public sealed class RttSamples
{
    private readonly long[] _ticks;

    public RttSamples(int capacity)
    {
        _ticks = new long[capacity];
    }

    public int Count { get; private set; }

    public bool Full => Count == _ticks.Length;

    public void Add(long ticks)
    {
        if (Count < _ticks.Length)
        {
            _ticks[Count++] = ticks;
        }
    }

    public double PercentileNs(double p)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        long[] sorted = _ticks.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        int index = Math.Min(Count - 1, (int)Math.Ceiling(p / 100.0 * Count) - 1);
        return sorted[Math.Max(0, index)] * 1e9 / Stopwatch.Frequency;
    }
}

/// <summary>Shared knobs: how long each measurement runs.</summary>
public static class Budget
{
    public static readonly TimeSpan Throughput = TimeSpan.FromMilliseconds(1000);
    public static readonly TimeSpan RoundTrip = TimeSpan.FromMilliseconds(800);
    public const int MaxRttSamples = 300_000;
    public const int WarmupRoundTrips = 20_000;

    /// <summary>Messages to send so a run lasts about <paramref name="target"/>, given a rate measured in a short warm-up.</summary>
    public static long MessagesFor(double ratePerSecond, TimeSpan target) =>
        (long)Math.Clamp(ratePerSecond * target.TotalSeconds, 100_000, 200_000_000);
}
