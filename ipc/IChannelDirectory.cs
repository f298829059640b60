namespace Microkernel.Ipc;

/// <summary>
/// Where a server finds the channels it serves: a table of entries, each possibly the server
/// end of a channel with a handle, a generation (raised when the channel is reconnected to a
/// restarted peer) and its two rings. In a service it is the start page (sdk/userlib); in host
/// tests a plain table. Taken by generated serve loops as a <c>struct</c> type parameter.
/// </summary>
public interface IChannelDirectory
{
    /// <summary>Entries in the table now (some may not be server channels).</summary>
    int Count { get; }

    /// <summary>True when entry <paramref name="index"/> is the server end of a channel.</summary>
    bool TryGetServerChannel(int index, out ulong handle, out uint generation);

    /// <summary>The request ring of entry <paramref name="index"/>, for the server to consume.</summary>
    SpscConsumer IncomingRequests(int index);

    /// <summary>The reply ring of entry <paramref name="index"/>, for the server to produce.</summary>
    SpscProducer OutgoingReplies(int index);
}
