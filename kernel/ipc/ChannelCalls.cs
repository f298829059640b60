using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Process;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Channels
{
    /// <summary>The channel system calls: wait and notify, on one handle or (wait(0)) on
    /// every channel the process holds.</summary>
    /// <remarks>Pending notifications are consumed before blocking, so a notify that
    /// raced ahead of a wait is never lost; a closed peer ends a wait at once with EPIPE.
    /// A notify wakes both a waiter on that channel and the peer process's wait(0).</remarks>
    internal static class ChannelCalls
    {
        /// <summary>wait(handle, timeout) or wait(0, timeout): handle first (EBADF), then the timeout (EINVAL).</summary>
        internal static SystemCallResult Wait(ulong handle, ulong timeout)
        {
            ServiceProcess? process = RunningProcess.Current;
            if (process == null) return SystemCallResult.Fail(Errno.EBADF);
            Channel? channel = null;
            ChannelSide side = ChannelSide.Client;
            if (handle != 0 && (channel = process.Resolve(handle, out side)) == null) return SystemCallResult.Fail(Errno.EBADF);
            if (timeout > Timeouts.MaxNanoseconds) return SystemCallResult.Fail(Errno.EINVAL);
            ulong deadline = timeout == 0 ? ulong.MaxValue : LocalApic.Ticks + Timeouts.TicksFor(timeout);
            if (channel == null) return WaitAny(process, deadline);
            return WaitOn(process, channel, side, deadline);
        }

        /// <summary>The wait on one resolved channel end: wait(handle) after its checks, and
        /// notify_wait, which has resolved the handle already.</summary>
        private static SystemCallResult WaitOn(ServiceProcess process, Channel channel, ChannelSide side, ulong deadline)
        {
            while (true)
            {
                if (channel.TryConsumeNotification(side)) return SystemCallResult.Success;
                if (channel.IsClosed(Channel.Peer(side))) return SystemCallResult.Fail(Errno.EPIPE);
                if (process.StopRequested) return SystemCallResult.Fail(Errno.ESHUTDOWN);
                if (!Block(channel.WaitKey(side), deadline)) return SystemCallResult.Fail(Errno.ETIMEDOUT);
            }
        }

        private static SystemCallResult WaitAny(ServiceProcess process, ulong deadline)
        {
            while (true)
            {
                if (process.TakeNotifications()) return SystemCallResult.Success;
                int closed = process.TakeUnreportedClosure();
                if (closed != 0) return SystemCallResult.Ok(WaitResult.PeerClosedFlag | (long)closed);
                if (process.StopRequested) return SystemCallResult.Fail(Errno.ESHUTDOWN);
                if (process.HandleCount() == 0) return SystemCallResult.Fail(Errno.EBADF);
                if (!Block(process.WaitAnyKey, deadline)) return SystemCallResult.Fail(Errno.ETIMEDOUT);
            }
        }

        /// <summary>Blocks on <paramref name="key"/> until woken or the deadline tick; false
        /// when the deadline had already passed (the caller's condition was checked first).</summary>
        private static bool Block(ulong key, ulong deadline)
        {
            if (deadline == ulong.MaxValue)
            {
                Threads.Block(key);
                return true;
            }
            if (LocalApic.Ticks >= deadline) return false;
            Threads.BlockUntil(key, deadline);
            return true;
        }

        /// <summary>notify(handle).</summary>
        internal static SystemCallResult Notify(ulong handle)
        {
            ServiceProcess? process = RunningProcess.Current;
            ChannelSide side = ChannelSide.Client;
            Channel? channel = process?.Resolve(handle, out side);
            if (channel == null) return SystemCallResult.Fail(Errno.EBADF);
            if (channel.IsClosed(Channel.Peer(side))) return SystemCallResult.Fail(Errno.EPIPE);
            Threads.WakeOne(channel.Notify(side));
            ServiceProcess? peer = channel.OwnerOf(Channel.Peer(side));
            if (peer != null)
            {
                peer.AnyPending = true;
                Threads.WakeOne(peer.WaitAnyKey);
            }
            return SystemCallResult.Success;
        }

        /// <summary>notify_wait(notify handle, wait handle): the call/reply fast path.
        /// The peer gets its notification; then, unless this side already has one (or its
        /// peer closed), the CPU goes straight to the peer's thread if it is waiting, and
        /// this thread blocks on the wait handle's key. Falls back to notify + wait.</summary>
        internal static SystemCallResult NotifyWait(ulong notifyHandle, ulong waitHandle)
        {
            ServiceProcess? process = RunningProcess.Current;
            if (process == null) return SystemCallResult.Fail(Errno.EBADF);
            Channel? target = process.Resolve(notifyHandle, out ChannelSide side);
            if (waitHandle == 0) return target == null ? SystemCallResult.Fail(Errno.EBADF) : NotifyWaitAny(process, target, side);
            Channel? waitOn = process.Resolve(waitHandle, out ChannelSide waitSide);
            if (target == null || waitOn == null) return SystemCallResult.Fail(Errno.EBADF);
            if (target.IsClosed(Channel.Peer(side))) return SystemCallResult.Fail(Errno.EPIPE);
            ServiceProcess? peer = NotifyPeer(target, side);
            bool mustBlock = !waitOn.HasNotification(waitSide) && !waitOn.IsClosed(Channel.Peer(waitSide));
            HandOffOrWake(process, peer, target, side, mustBlock, waitOn.WaitKey(waitSide));
            // Resumed after a hand-off (the peer replied, or closed), or not blocked yet: either
            // way the wait is wait(waitHandle, no timeout), on the end resolved above.
            return WaitOn(process, waitOn, waitSide, ulong.MaxValue);
        }

        /// <summary>notify_wait(handle, 0): a server's "reply, then wait for the next request
        /// from any client" (wait(0) with no timeout). As for one handle, the CPU goes straight
        /// to the notified peer when it is waiting and nothing is pending here; the check of
        /// "pending" is only the cheap one (a notification flagged, or a stop asked for):
        /// whatever else there is (a closed peer) <see cref="WaitAny"/> reports at once after
        /// the peer hands the CPU back, so it costs a switch, never a lost event.</summary>
        private static SystemCallResult NotifyWaitAny(ServiceProcess process, Channel target, ChannelSide side)
        {
            if (target.IsClosed(Channel.Peer(side))) return SystemCallResult.Fail(Errno.EPIPE);
            ServiceProcess? peer = NotifyPeer(target, side);
            HandOffOrWake(process, peer, target, side, !process.AnyPending && !process.StopRequested, process.WaitAnyKey);
            return WaitAny(process, ulong.MaxValue);
        }

        /// <summary>notify_wait's notify: the peer's end gets a notification and the peer
        /// process is flagged for its wait(0). Returns the peer process, if any.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // the call/reply path: no extra call
        private static ServiceProcess? NotifyPeer(Channel target, ChannelSide side)
        {
            target.Notify(side);
            ServiceProcess? peer = target.OwnerOf(Channel.Peer(side));
            if (peer != null) peer.AnyPending = true;
            return peer;
        }

        /// <summary>notify_wait's hand-off: when this side must block, the CPU goes straight to
        /// the peer's thread (taken out of whatever wait it is in; every kernel wait re-checks its
        /// condition in a loop, so that is at worst a spurious wake-up) and this thread blocks on
        /// <paramref name="waitKey"/>, returning when the peer hands back; otherwise (nothing to
        /// switch to, or no need to block) whoever waits for the notification is woken.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // the call/reply path: no extra call
        private static void HandOffOrWake(ServiceProcess process, ServiceProcess? peer, Channel target, ChannelSide side, bool mustBlock, ulong waitKey)
        {
            if (mustBlock && peer != null && peer != process && !peer.Thread.IsNone && Threads.HandOff(peer.Thread, waitKey)) return;
            Threads.WakeOne(target.WaitKey(Channel.Peer(side)));
            if (peer != null) Threads.WakeOne(peer.WaitAnyKey);
        }
    }
}
