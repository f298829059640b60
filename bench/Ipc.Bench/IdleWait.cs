using System.Runtime.InteropServices;
using System.Threading;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// What a service does when its ring is empty (or full): poll for a while, then block on a
/// doorbell after announcing it through the ring's "sleeping" flag. On this host the
/// doorbell is a semaphore standing in for the kernel's wait/notify; the peer rings it only when
/// a publish reports the flag set. Busy-polling alone collapses when the two threads do not
/// have a core each (a shared 2-core machine): the spinner burns the slice its peer needs.
/// </summary>
/// <remarks>
/// The owner writes its poll counter on every empty poll (and after every message), and the two
/// sides' waits were allocated next to each other: unpadded, both threads' poll loops wrote the same
/// cache line, so every poll was a line transfer, on the ring's side only (the floor and Channels
/// have no such object). The counters now sit alone on their lines.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 384)]
public sealed class IdleWait
{
    // Spin long enough to cover a cross-core round trip many times over, then sleep. No
    // sched_yield phase: yielding spinners tend to stay stacked on one core (the scheduler sees
    // them as runnable and cheap), which halves throughput; a sleeping thread is placed on an
    // idle core when it wakes.
    private const int TightPolls = 256;
    private const int SpinPolls = 4096;
    private const int FullSpinsBeforeYield = 1 << 16;

    [FieldOffset(0)]
    private readonly SemaphoreSlim _doorbell = new(0);

    // Written by the owner only (every poll).
    [FieldOffset(128)]
    private int _idle;

    [FieldOffset(136)]
    private long _sleeps;

    [FieldOffset(144)]
    private long _yields;

    // Written by the peer (Ring) and by the owner after waking.
    [FieldOffset(256)]
    private int _rung;

    /// <summary>
    /// Called by the peer when its publish reported that we announced sleeping. Every publish
    /// sees the flag until the sleeper wakes and clears it, so only the first one rings.
    /// </summary>
    public void Ring()
    {
        if (Interlocked.Exchange(ref _rung, 1) == 0)
        {
            _doorbell.Release();
        }
    }

    /// <summary>How often this side blocked on its doorbell (diagnostics).</summary>
    public long Sleeps => _sleeps;

    /// <summary>How often this side yielded its core (diagnostics).</summary>
    public long Yields => _yields;

    /// <summary>Called after a poll found work.</summary>
    public void Reset() => _idle = 0;

    /// <summary>
    /// Called after a poll found nothing. <paramref name="prepareToSleep"/> announces sleeping and
    /// re-checks; <paramref name="clearSleeping"/> withdraws the announcement after waking.
    /// Returns true if it blocked.
    /// </summary>
    public bool Idle(System.Func<Microkernel.Ipc.RingStatus> prepareToSleep, System.Action clearSleeping)
    {
        _idle++;
        if (_idle < TightPolls)
        {
            return false; // poll again at once: a reply is usually a few hundred ns away
        }

        if (_idle < SpinPolls)
        {
            Thread.SpinWait(1);
            return false;
        }

        _idle = 0;
        if (prepareToSleep() != Microkernel.Ipc.RingStatus.Empty)
        {
            return false;
        }

        _sleeps++;
        _doorbell.Wait();
        clearSleeping();
        Volatile.Write(ref _rung, 0);
        return true;
    }

    /// <summary>
    /// Waiting for ring space (the producer side): there is no flag to announce, so spin, and
    /// only yield once the consumer has clearly stopped running (it shares our core).
    /// </summary>
    public void Full()
    {
        if (++_idle < FullSpinsBeforeYield)
        {
            Thread.SpinWait(1);
        }
        else
        {
            _yields++;
            Thread.Yield();
        }
    }
}
