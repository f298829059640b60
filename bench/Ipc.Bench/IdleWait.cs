using System.Threading;

namespace Microkernel.Ipc.Bench;

/// <summary>
/// What a service does when its ring is empty (or full): poll a little, yield a little, then
/// block on a doorbell after announcing it through the ring's "sleeping" flag. On this host the
/// doorbell is a semaphore standing in for the kernel's wait/notify; the peer rings it only when
/// a publish reports the flag set. Busy-polling alone collapses when the two threads do not
/// have a core each (a shared 2-core machine): the spinner burns the slice its peer needs.
/// </summary>
public sealed class IdleWait
{
    // Spin long enough to cover a cross-core round trip many times over, yield briefly, then
    // sleep: when the peer is not running (the two threads share one free core), a yield loop
    // wastes whole scheduler slices, while a sleep hands the core over at once.
    private const int TightPolls = 256;
    private const int SpinPolls = 1024;
    private const int YieldPolls = 4;

    private readonly SemaphoreSlim _doorbell = new(0);
    private int _idle;
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
    public long Sleeps { get; private set; }

    /// <summary>How often this side yielded its core (diagnostics).</summary>
    public long Yields { get; private set; }

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

        if (_idle < SpinPolls + YieldPolls)
        {
            Yields++;
            Thread.Yield();
            return false;
        }

        _idle = 0;
        if (prepareToSleep() != Microkernel.Ipc.RingStatus.Empty)
        {
            return false;
        }

        Sleeps++;
        _doorbell.Wait();
        clearSleeping();
        Volatile.Write(ref _rung, 0);
        return true;
    }

    /// <summary>Waiting for ring space (the producer side): no flag to announce, so spin then yield.</summary>
    public void Full()
    {
        if (++_idle < SpinPolls / 4)
        {
            Thread.SpinWait(1);
        }
        else
        {
            Thread.Yield();
        }
    }
}
