namespace Microkernel.Scheduling;

/// <summary>How system calls turn nanosecond timeouts into timer ticks (100 Hz), the unit
/// the scheduler's sleeps and timed blocks count in.</summary>
internal static class Timeouts
{
    /// <summary>Longest sleep or timed wait: an hour.</summary>
    internal const ulong MaxNanoseconds = 3600UL * 1_000_000_000UL;

    private const ulong NanosecondsPerTick = 1_000_000_000UL / 100;

    /// <summary>Ticks covering at least <paramref name="nanoseconds"/>: rounded up, plus one
    /// (the current tick is already partly gone).</summary>
    internal static ulong TicksFor(ulong nanoseconds) => (nanoseconds + NanosecondsPerTick - 1) / NanosecondsPerTick + 1;
}
