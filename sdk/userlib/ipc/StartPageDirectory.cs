using Microkernel.Ipc;

namespace Microkernel.UserRuntime;

/// <summary>The start page as the channel directory of generated serve loops: entry i is
/// start-page channel i; a server entry's generation changes when the supervisor reconnects
/// it to a restarted client, which the serve loop's Refresh picks up.</summary>
public unsafe struct StartPageDirectory : IChannelDirectory
{
    /// <inheritdoc/>
    public int Count => StartInfo.ChannelCount;

    /// <inheritdoc/>
    public bool TryGetServerChannel(int index, out ulong handle, out uint generation)
    {
        bool found = StartInfo.TryGetChannel(index, out ChannelGrant grant) && grant.IsServer;
        handle = grant.Handle;
        generation = grant.Generation;
        return found;
    }

    /// <inheritdoc/>
    public SpscConsumer IncomingRequests(int index)
    {
        StartInfo.TryGetChannel(index, out ChannelGrant grant);
        return new SpscConsumer(grant.RequestRing, grant.RingBytes);
    }

    /// <inheritdoc/>
    public SpscProducer OutgoingReplies(int index)
    {
        StartInfo.TryGetChannel(index, out ChannelGrant grant);
        return new SpscProducer(grant.ReplyRing, grant.RingBytes);
    }
}
