using Microkernel.Abi;
using Microkernel.Channels;

namespace Microkernel.Process
{
    /// <summary>The channel system calls: wait and notify, on one handle or (wait(0)) on
    /// every channel the process holds.</summary>
    /// <remarks>Pending notifications are consumed before blocking, so a notify that
    /// raced ahead of a wait is never lost; a closed peer ends a wait at once with EPIPE.
    /// A notify wakes both a waiter on that channel and the peer process's wait(0).</remarks>
    internal static class ChannelCalls
    {
        /// <summary>wait(handle) or wait(0).</summary>
        internal static long Wait(ulong handle)
        {
            ServiceProcess? process = Threads.CurrentProcess;
            if (process == null) return -Errno.EBADF;
            if (handle == 0) return WaitAny(process);
            Channel? channel = process.Resolve(handle, out ChannelSide side);
            if (channel == null) return -Errno.EBADF;
            while (true)
            {
                if (channel.TryConsumeNotification(side)) return 0;
                if (channel.IsClosed(Channel.Peer(side))) return -Errno.EPIPE;
                Threads.Block(channel.WaitKey(side));
            }
        }

        private static long WaitAny(ServiceProcess process)
        {
            while (true)
            {
                if (process.TakeNotifications()) return 0;
                int closed = process.TakeUnreportedClosure();
                if (closed != 0) return WaitResult.PeerClosedFlag | (long)closed;
                if (process.HandleCount() == 0) return -Errno.EBADF;
                Threads.Block(process.WaitAnyKey);
            }
        }

        /// <summary>notify(handle).</summary>
        internal static long Notify(ulong handle)
        {
            ServiceProcess? process = Threads.CurrentProcess;
            ChannelSide side = ChannelSide.Client;
            Channel? channel = process?.Resolve(handle, out side);
            if (channel == null) return -Errno.EBADF;
            if (channel.IsClosed(Channel.Peer(side))) return -Errno.EPIPE;
            Threads.WakeOne(channel.Notify(side));
            ServiceProcess? peer = channel.OwnerOf(Channel.Peer(side));
            if (peer != null)
            {
                peer.AnyPending = true;
                Threads.WakeOne(peer.WaitAnyKey);
            }
            return 0;
        }
    }
}
