using System.Collections.Generic;

namespace Microkernel.Ipc.Tests;

/// <summary>The <see cref="IChannelDirectory"/> of host tests: a table of entries standing in for a
/// service's start page (a test reconnects an entry by giving it new rings, handle and generation).</summary>
internal readonly struct HostDirectory : IChannelDirectory
{
    private readonly List<Entry?> _entries;

    public HostDirectory(List<Entry?> entries)
    {
        _entries = entries;
    }

    public int Count => _entries.Count;

    public bool TryGetServerChannel(int index, out ulong handle, out uint generation)
    {
        Entry? entry = _entries[index];
        handle = entry?.Handle ?? 0;
        generation = entry?.Generation ?? 0;
        return entry != null;
    }

    public SpscConsumer IncomingRequests(int index) => _entries[index]!.Requests.Consumer();

    public SpscProducer OutgoingReplies(int index) => _entries[index]!.Replies.Producer();

    /// <summary>A server channel: its handle, generation and the two rings.</summary>
    internal sealed record Entry(ulong Handle, uint Generation, NativeRegion Requests, NativeRegion Replies);
}
