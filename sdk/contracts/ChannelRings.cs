using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts;

/// <summary>The ipc/ ring views over a granted channel: the client produces requests
/// and consumes replies; the server the other way round.</summary>
public static unsafe class ChannelRings
{
    /// <summary>The client's request producer.</summary>
    public static SpscProducer Requests(in ChannelGrant grant) => new SpscProducer(grant.RequestRing, grant.RingBytes);

    /// <summary>The client's reply consumer.</summary>
    public static SpscConsumer Replies(in ChannelGrant grant) => new SpscConsumer(grant.ReplyRing, grant.RingBytes);

    /// <summary>The server's request consumer.</summary>
    public static SpscConsumer IncomingRequests(in ChannelGrant grant) => new SpscConsumer(grant.RequestRing, grant.RingBytes);

    /// <summary>The server's reply producer.</summary>
    public static SpscProducer OutgoingReplies(in ChannelGrant grant) => new SpscProducer(grant.ReplyRing, grant.RingBytes);
}
