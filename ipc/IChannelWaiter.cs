namespace Microkernel.Ipc;

/// <summary>
/// How generated blocking calls and serve loops sleep and wake: the kernel's wait, notify and
/// notify_wait on channel handles in a service (sdk/userlib), threads and events in host tests.
/// Generated code takes it as a type parameter constrained to <c>struct</c>, so every call is a
/// direct (usually inlined) call, never an interface dispatch on the call/reply path.
/// </summary>
/// <remarks>
/// Results follow the kernel's convention: 0 (or another non-negative value) for success, a
/// negative value for an error. The generated code gives up on any negative result of a wait
/// and asks <see cref="IsPeerGone"/> and <see cref="TryGetClosedChannel"/> about the rest, so it
/// never needs the error numbers themselves. A waiter may have state (a field of a generated
/// class holds it), but the waits it implements must be level-triggered: a notification sent
/// before the wait began is not lost.
/// </remarks>
public interface IChannelWaiter
{
    /// <summary>Wakes the peer of <paramref name="channel"/>; negative when the peer is gone.</summary>
    long Notify(ulong channel);

    /// <summary>Blocks until <paramref name="channel"/>'s peer notifies (0: look at the rings
    /// again); negative when the peer is gone, the process is stopping or the waiter gives up.</summary>
    long Wait(ulong channel);

    /// <summary><see cref="Notify"/> on <paramref name="notifyChannel"/>, then <see cref="Wait"/>
    /// on <paramref name="waitChannel"/>, as one step where the kernel can hand the CPU straight
    /// to the peer. Results as <see cref="Wait"/>.</summary>
    long NotifyWait(ulong notifyChannel, ulong waitChannel);

    /// <summary>Blocks until any channel of this process is notified (0) or a peer closes (a
    /// result <see cref="TryGetClosedChannel"/> decodes), for at most <paramref name="timeoutNs"/>
    /// (0: no limit); negative on timeout, stop or when there is nothing to wait on.</summary>
    long WaitAll(ulong timeoutNs);

    /// <summary><see cref="Notify"/> on <paramref name="notifyChannel"/>, then
    /// <see cref="WaitAll"/> with no limit, as one step. Results as <see cref="WaitAll"/>, or
    /// one that <see cref="IsPeerGone"/> recognises when the notified peer is gone.</summary>
    long NotifyWaitAll(ulong notifyChannel);

    /// <summary>True when a <see cref="Notify"/>, <see cref="Wait"/>, <see cref="NotifyWait"/>
    /// or <see cref="NotifyWaitAll"/> result says the peer is gone.</summary>
    bool IsPeerGone(long result);

    /// <summary>True when a <see cref="WaitAll"/> or <see cref="NotifyWaitAll"/> result reports
    /// that <paramref name="channel"/>'s peer closed.</summary>
    bool TryGetClosedChannel(long result, out ulong channel);
}
