using Microkernel.Abi;
using Microkernel.Ipc;

namespace Microkernel.UserRuntime;

/// <summary>The waiter of generated calls and serve loops in a service: the kernel's
/// wait, notify and notify_wait on channel handles (results: 0, or a negated errno; EPIPE
/// once the peer is gone; wait(0) reports a closed peer as
/// <see cref="WaitResult.PeerClosedFlag"/> | handle). Stateless, so generated code calls it
/// directly and ilc inlines it to the system call stub.</summary>
public struct KernelWaiter : IChannelWaiter
{
    /// <inheritdoc/>
    public long Notify(ulong channel) => SystemCall.Notify(channel);

    /// <inheritdoc/>
    public long Wait(ulong channel) => SystemCall.Wait(channel);

    /// <inheritdoc/>
    public long NotifyWait(ulong notifyChannel, ulong waitChannel) => SystemCall.NotifyWait(notifyChannel, waitChannel);

    /// <inheritdoc/>
    public long WaitAll(ulong timeoutNs) => SystemCall.WaitAny(timeoutNs);

    /// <inheritdoc/>
    public long NotifyWaitAll(ulong notifyChannel) => SystemCall.NotifyWaitAny(notifyChannel);

    /// <inheritdoc/>
    public bool IsPeerGone(long result) => result == -Errno.EPIPE;

    /// <inheritdoc/>
    public bool TryGetClosedChannel(long result, out ulong channel)
    {
        channel = (ulong)(result & 0xFFFF_FFFF);
        return result > 0 && (result & WaitResult.PeerClosedFlag) != 0;
    }
}
