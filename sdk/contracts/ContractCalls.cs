using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts;

/// <summary>The generated blocking calls of each contract over a channel the caller was
/// granted, with the sizes every client of that service uses: one place that says how a
/// service connects to another.</summary>
public static class ContractCalls
{
    /// <summary>Largest request body sent to the store.</summary>
    public const int StoreMaxBody = 512;

    /// <summary>Largest request body sent to echo-server.</summary>
    public const int EchoMaxBody = 256;

    /// <summary>Largest request body sent to klog: a 32-byte source and a 480-byte text with their headers.</summary>
    public const int KlogMaxBody = 600;

    /// <summary>IStore calls over <paramref name="grant"/> (the client end of a channel to the store).</summary>
    public static StoreCalls<KernelWaiter> Store(in ChannelGrant grant) =>
        new StoreCalls<KernelWaiter>(new StoreClient(ChannelRings.Requests(in grant), ChannelRings.Replies(in grant), StoreMaxBody, 4), grant.Handle, default);

    /// <summary>IEcho calls over <paramref name="grant"/> (the client end of a channel to echo-server).</summary>
    public static EchoCalls<KernelWaiter> Echo(in ChannelGrant grant) =>
        new EchoCalls<KernelWaiter>(new EchoClient(ChannelRings.Requests(in grant), ChannelRings.Replies(in grant), EchoMaxBody, 8), grant.Handle, default);

    /// <summary>IKlog calls over <paramref name="grant"/> with up to <paramref name="maxOutstanding"/>
    /// writes in flight; a stopping caller keeps polling for klog's answers (<see cref="StopTolerantWaiter"/>).</summary>
    public static KlogCalls<StopTolerantWaiter> Klog(in ChannelGrant grant, int maxOutstanding) =>
        new KlogCalls<StopTolerantWaiter>(new KlogClient(ChannelRings.Requests(in grant), ChannelRings.Replies(in grant), KlogMaxBody, maxOutstanding), grant.Handle, default);
}
