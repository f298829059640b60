using System.Runtime.CompilerServices;
using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Process;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Channels;

/// <summary>The channel system calls: wait and notify, on one handle or (wait(0)) on
/// every channel the process holds, and notify_wait, the call/reply fast path.</summary>
/// <remarks>Each waitable thing is one wait object: a channel end (<see cref="ChannelEnd"/>)
/// and a process's set of ends (<see cref="WaitSet"/>). Pending notifications are consumed
/// before blocking, so a notify that raced ahead of a wait is never lost; a closed peer ends
/// a wait at once with EPIPE. A notify marks the peer's end and its holder's set and wakes
/// the one thread waiting for either (<see cref="ChannelEnd.WakeWaiter"/>).</remarks>
internal static class ChannelCalls
{
    /// <summary>wait(handle, timeout) or wait(0, timeout): handle first (EBADF), then the timeout (EINVAL).</summary>
    internal static SystemCallResult Wait(ulong handle, ulong timeout)
    {
        ServiceProcess? process = RunningProcess.Current;
        if (process == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        Channel? channel = null;
        ChannelSide side = ChannelSide.Client;
        if (handle != 0 && (channel = process.Resolve(handle, out side)) == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        if (timeout > Timeouts.MaxNanoseconds)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        ulong deadline = timeout == 0 ? ulong.MaxValue : LocalApic.Ticks + Timeouts.TicksFor(timeout);
        return channel == null ? WaitAny(process, deadline) : WaitOn(process, channel, side, deadline);
    }

    /// <summary>notify(handle).</summary>
    internal static SystemCallResult Notify(ulong handle)
    {
        ServiceProcess? process = RunningProcess.Current;
        ChannelSide side = ChannelSide.Client;
        Channel? channel = process?.Resolve(handle, out side);
        if (channel == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        if (channel.IsClosed(Channel.Peer(side)))
        {
            return SystemCallResult.Fail(Errno.EPIPE);
        }

        channel.Notify(side);
        return SystemCallResult.Success;
    }

    /// <summary>notify_wait(notify handle, wait handle): the call/reply fast path.
    /// The peer gets its notification; then, unless this side already has one (or its
    /// peer closed), the CPU goes straight to the peer's thread if it is waiting, and
    /// this thread blocks on the wait handle's end. Falls back to notify + wait.</summary>
    internal static SystemCallResult NotifyWait(ulong notifyHandle, ulong waitHandle)
    {
        ServiceProcess? process = RunningProcess.Current;
        if (process == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        Channel? target = process.Resolve(notifyHandle, out ChannelSide side);
        if (waitHandle == 0)
        {
            return target == null ? SystemCallResult.Fail(Errno.EBADF) : NotifyWaitAny(process, target, side);
        }

        Channel? waitOn = process.Resolve(waitHandle, out ChannelSide waitSide);
        if (target == null || waitOn == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        if (target.IsClosed(Channel.Peer(side)))
        {
            return SystemCallResult.Fail(Errno.EPIPE);
        }

        ChannelEnd peerEnd = target.End(Channel.Peer(side));
        WaitSet? peer = peerEnd.Signal();
        ChannelEnd waitEnd = waitOn.End(waitSide);
        bool mustBlock = !waitEnd.IsPending && !waitOn.IsClosed(Channel.Peer(waitSide));
        HandOffOrWake(process, peerEnd, peer, mustBlock, waitEnd);
        // Resumed after a hand-off (the peer replied, or closed), or not blocked yet: either
        // way the wait is wait(waitHandle, no timeout), on the end resolved above.
        return WaitOn(process, waitOn, waitSide, ulong.MaxValue);
    }

    /// <summary>The wait on one resolved channel end: wait(handle) after its checks, and
    /// notify_wait, which has resolved the handle already.</summary>
    private static SystemCallResult WaitOn(ServiceProcess process, Channel channel, ChannelSide side, ulong deadline)
    {
        ChannelEnd end = channel.End(side);
        while (true)
        {
            if (end.TryTake())
            {
                return SystemCallResult.Success;
            }

            if (channel.IsClosed(Channel.Peer(side)))
            {
                return SystemCallResult.Fail(Errno.EPIPE);
            }

            if (process.StopRequested)
            {
                return SystemCallResult.Fail(Errno.ESHUTDOWN);
            }

            if (!end.Wait(deadline))
            {
                return SystemCallResult.Fail(Errno.ETIMEDOUT);
            }
        }
    }

    private static SystemCallResult WaitAny(ServiceProcess process, ulong deadline)
    {
        while (true)
        {
            if (process.TakeNotifications())
            {
                return SystemCallResult.Success;
            }

            int closed = process.TakeUnreportedClosure();
            if (closed != 0)
            {
                return SystemCallResult.Ok(WaitResult.PeerClosedFlag | (long)closed);
            }

            if (process.StopRequested)
            {
                return SystemCallResult.Fail(Errno.ESHUTDOWN);
            }

            if (process.HandleCount() == 0)
            {
                return SystemCallResult.Fail(Errno.EBADF);
            }

            if (!process.AnyChannel.Wait(deadline))
            {
                return SystemCallResult.Fail(Errno.ETIMEDOUT);
            }
        }
    }

    /// <summary>notify_wait(handle, 0): a server's "reply, then wait for the next request
    /// from any client" (wait(0) with no timeout). As for one handle, the CPU goes straight
    /// to the notified peer when it is waiting and nothing is pending here; the check of
    /// "pending" is only the cheap one (a notification flagged, or a stop asked for):
    /// whatever else there is (a closed peer) <see cref="WaitAny"/> reports at once after
    /// the peer hands the CPU back, so it costs a switch, never a lost event.</summary>
    private static SystemCallResult NotifyWaitAny(ServiceProcess process, Channel target, ChannelSide side)
    {
        if (target.IsClosed(Channel.Peer(side)))
        {
            return SystemCallResult.Fail(Errno.EPIPE);
        }

        ChannelEnd peerEnd = target.End(Channel.Peer(side));
        WaitSet? peer = peerEnd.Signal();
        WaitSet any = process.AnyChannel;
        HandOffOrWake(process, peerEnd, peer, !any.IsPending && !process.StopRequested, any);
        return WaitAny(process, ulong.MaxValue);
    }

    /// <summary>notify_wait's hand-off, after the peer's end was signalled (its holder's set
    /// is <paramref name="peer"/>): when this side must block, the CPU goes straight to the
    /// peer's thread (taken out of whatever
    /// wait it is in; every kernel wait re-checks its condition in a loop, so that is at worst
    /// a spurious wake-up) and this thread blocks on <paramref name="waitOn"/>, returning when
    /// the peer hands back; otherwise (nothing to switch to, or no need to block) the one
    /// thread waiting for the notification is woken.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the call/reply path: no extra call
    private static void HandOffOrWake(ServiceProcess process, ChannelEnd peerEnd, WaitSet? peer, bool mustBlock, WaitObject waitOn)
    {
        if (mustBlock && peer != null && peer != process.AnyChannel && !peer.Thread.IsNone && waitOn.HandOff(peer.Thread))
        {
            return;
        }

        peerEnd.WakeWaiter();
    }
}
