using System.Runtime.CompilerServices;
using Microkernel.Arch;

namespace Microkernel.Scheduling;

/// <summary>One thing threads wait for: a pending flag, the scheduler key its waiters
/// block on, and how many threads are blocked on it right now.</summary>
/// <remarks>
/// This is the only place wait keys are made: each wait object takes the next number,
/// so no two waitable things share a key and nobody builds keys by hand. The pending flag
/// keeps a signal that arrives before the wait, which then takes it without blocking (a
/// flag, not a counter: one wake-up covers everything signalled before it). The waiter
/// count lets a signaller wake
/// exactly the object someone is blocked on instead of every candidate key. It counts
/// threads inside <see cref="Wait"/> or <see cref="HandOff"/>; each waiter decrements it
/// itself when it resumes, however it was woken (signal, timeout, hand-off, a stop).
/// System calls run with interrupts masked on one CPU, so check-then-wait is atomic.
/// </remarks>
internal class WaitObject
{
    /// <summary>High bits of every wait key: apart from any key a test makes by hand.</summary>
    private const ulong KeyTag = 0x5741_1700_0000_0000UL;

    private static ulong s_lastKey;

    private bool _pending;
    private int _waiters;

    /// <summary>A wait object with nothing pending and a key of its own.</summary>
    internal WaitObject()
    {
        Key = KeyTag | ++s_lastKey;
    }

    /// <summary>The scheduler key its waiters block on.</summary>
    internal ulong Key { get; }

    /// <summary>True when a signal is pending (not yet taken).</summary>
    internal bool IsPending
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _pending;
    }

    /// <summary>True when some thread is blocked on this object.</summary>
    internal bool HasWaiters
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _waiters != 0;
    }

    /// <summary>Leaves a pending signal (no wake-up; see <see cref="WakeOne"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Post() => _pending = true;

    /// <summary>Takes the pending signal, if there is one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryTake()
    {
        if (!_pending)
        {
            return false;
        }

        _pending = false;
        return true;
    }

    /// <summary>Blocks the running thread until woken or timer tick
    /// <paramref name="deadline"/> (<see cref="ulong.MaxValue"/>: no deadline); false when
    /// the deadline had already passed (the caller checked its condition first).</summary>
    internal bool Wait(ulong deadline)
    {
        if (deadline != ulong.MaxValue && LocalApic.Ticks >= deadline)
        {
            return false;
        }

        _waiters++;
        if (deadline == ulong.MaxValue)
        {
            Threads.Block(Key);
        }
        else
        {
            Threads.BlockUntil(Key, deadline);
        }

        _waiters--;
        return true;
    }

    /// <summary>The call/reply fast path: the running thread blocks here and
    /// <paramref name="to"/> runs at once (<see cref="Threads.HandOff"/>); returns when
    /// woken again. False when the scheduler refused (nothing changed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool HandOff(ThreadId to)
    {
        _waiters++;
        bool handedOff = Threads.HandOff(to, Key);
        _waiters--;
        return handedOff;
    }

    /// <summary>Wakes the longest waiter; false when nobody waits.</summary>
    internal bool WakeOne() => Threads.WakeOne(Key);

    /// <summary>Wakes every waiter because the other side is gone.</summary>
    internal void WakeAllClosed() => Threads.WakeAllClosed(Key);
}
