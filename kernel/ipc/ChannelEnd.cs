using System.Runtime.CompilerServices;
using Microkernel.Scheduling;

namespace Microkernel.Channels;

/// <summary>One end of a channel as the kernel keeps it: the end's own wait object (wait on
/// this handle), whether it is closed, and the wait set of whoever holds it.</summary>
/// <remarks>Holding the holder's <see cref="WaitSet"/> rather than the process keeps ipc/
/// free of proc/: a channel never points at a process.</remarks>
internal sealed class ChannelEnd : WaitObject
{
    /// <summary>Closed by its holder (or its holder ended): the peer's waits end with EPIPE.</summary>
    internal bool Closed;

    /// <summary>The "any channel" wait of the process holding this end, or null (nobody
    /// holds it, or it is closed).</summary>
    internal WaitSet? Holder;

    /// <summary>Leaves a notification on this end and on its holder's wait set, waking
    /// nobody yet. The one notify: notify, notify_wait and a grant all go through here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal WaitSet? Signal()
    {
        Post();
        WaitSet? holder = Holder;
        holder?.Post();
        return holder;
    }

    /// <summary>Wakes the one thread waiting for this end: blocked on the end itself
    /// (wait(handle)) or else on its holder's set (wait(0)). One wake-up, never two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void WakeWaiter()
    {
        if (HasWaiters)
        {
            WakeOne();
            return;
        }

        WaitSet? holder = Holder;
        if (holder != null && holder.HasWaiters)
        {
            holder.WakeOne();
        }
    }

    /// <summary>The peer closed: every thread waiting on this end or its holder's set wakes
    /// (and sees EPIPE or the closure report).</summary>
    internal void WakeAllOnClose()
    {
        if (HasWaiters)
        {
            WakeAllClosed();
        }

        WaitSet? holder = Holder;
        if (holder != null && holder.HasWaiters)
        {
            holder.WakeAllClosed();
        }
    }
}
