using Microkernel.Abi;
using Microkernel.Ipc;

namespace Microkernel.UserRuntime;

/// <summary>The waiter for calls to klog: as <see cref="KernelWaiter"/>, except that once
/// this service is asked to stop (a wait returns ESHUTDOWN, and every later wait would end at
/// once) it polls instead, yielding between looks, for up to half a second: klog is stopped
/// after every other service, so a stopping service's last words still reach the log.</summary>
/// <remarks>The stop is a fact about the whole process, so its deadline is one static
/// (every writer of the process sees the same stop).</remarks>
public struct StopTolerantWaiter : IChannelWaiter
{
    /// <summary>How long a stopping service polls for an answer.</summary>
    public const long StopPollNs = 500_000_000;

    /// <summary>When to give up polling (clock ns); 0 until the stop is seen.</summary>
    private static long s_stopDeadline;

    /// <inheritdoc/>
    public long Notify(ulong channel) => SystemCall.Notify(channel);

    /// <inheritdoc/>
    public long Wait(ulong channel) => s_stopDeadline != 0 ? Poll() : Stopped(SystemCall.Wait(channel));

    /// <inheritdoc/>
    public long NotifyWait(ulong notifyChannel, ulong waitChannel)
    {
        if (s_stopDeadline == 0)
        {
            return Stopped(SystemCall.NotifyWait(notifyChannel, waitChannel));
        }

        long notified = SystemCall.Notify(notifyChannel);
        return notified < 0 ? notified : Poll();
    }

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

    /// <summary>A wait's result; ESHUTDOWN starts the polling instead of failing the call.</summary>
    private static long Stopped(long waited)
    {
        if (waited != -Errno.ESHUTDOWN)
        {
            return waited;
        }

        s_stopDeadline = SystemCall.ClockNanoseconds() + StopPollNs;
        return 0;
    }

    /// <summary>One look while stopping: gives the CPU away once (klog may run), or ends the
    /// polling when the deadline passed.</summary>
    private static long Poll()
    {
        if (SystemCall.ClockNanoseconds() > s_stopDeadline)
        {
            return -Errno.ESHUTDOWN;
        }

        SystemCall.Yield();
        return 0;
    }
}
