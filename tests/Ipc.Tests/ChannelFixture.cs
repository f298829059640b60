using System;
using Microkernel.Ipc;
using Microkernel.Ipc.Tests.Contracts;

namespace Microkernel.Ipc.Tests;

/// <summary>A request ring and a reply ring with a typed client on one side and a server on the other, driven from one thread.</summary>
internal sealed class ChannelFixture : IDisposable
{
    public ChannelFixture(int capacity = 4096, int maxBody = 512, int maxOutstanding = 16)
    {
        RequestRegion = new NativeRegion(capacity);
        ReplyRegion = new NativeRegion(capacity);
        Client = new KeyValueClient(RequestRegion.Producer(), ReplyRegion.Consumer(), maxBody, maxOutstanding);
        Server = new ServerEndpoint(RequestRegion.Consumer(), ReplyRegion.Producer(), new KeyValueDispatcher(Store), maxBody, maxBody);
    }

    public NativeRegion RequestRegion { get; }

    public NativeRegion ReplyRegion { get; }

    public KeyValueStore Store { get; } = new();

    public KeyValueClient Client { get; }

    public ServerEndpoint Server { get; }

    /// <summary>A raw producer on the request ring, for sending frames the typed client never would. Use instead of Client.</summary>
    public SpscProducer RawRequests() => RequestRegion.Producer();

    public void Dispose()
    {
        RequestRegion.Dispose();
        ReplyRegion.Dispose();
    }
}
