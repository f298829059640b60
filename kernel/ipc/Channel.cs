using Microkernel.Ipc;
using Microkernel.Memory;

namespace Microkernel.Channels;

/// <summary>Which end of a channel a handle holds.</summary>
internal enum ChannelSide : byte
{
    /// <summary>Produces requests, consumes replies.</summary>
    Client = 0,
    /// <summary>Consumes requests, produces replies.</summary>
    Server = 1,
}

/// <summary>A kernel channel: two ipc/ rings (requests, replies) on frames that both
/// peers map at the same user address, and its two <see cref="ChannelEnd"/>s (the
/// wait/notify state the kernel keeps per end).</summary>
/// <remarks>
/// Invariants: the ring memory is owned by the channel, never by either address space
/// (their mappings are of kind Device and are not freed on unmap); a notify is never
/// lost: each end is a wait object whose pending flag a later wait consumes without
/// blocking (a flag, not a counter: one wake-up covers everything the peer published
/// before it; a peer that notifies in a loop cannot overflow it) (the rings' "sleeping"
/// flags decide when to notify at all, so the kernel is entered only when a ring is
/// empty or a sleeper must be woken); once a side closes, the other side's waits return
/// at once with EPIPE. A channel knows the wait sets of its holders, never the
/// processes themselves.
/// </remarks>
internal sealed unsafe class Channel
{
    /// <summary>Data bytes of each ring.</summary>
    internal const int RingCapacity = 8192;
    /// <summary>Where every channel's pages appear in both peers (one channel per
    /// process for now; more get consecutive slots).</summary>
    internal const ulong UserAddress = AddressSpace.UserLowest + 0x4000_0000;

    private static int s_nextId = 1;

    /// <summary>Channels created since boot.</summary>
    internal static int Created => s_nextId - 1;

    internal readonly int Id;
    /// <summary>Physical (= direct-map) base of the pages: request ring, then reply ring.</summary>
    internal readonly ulong Region;
    internal readonly ulong RegionPages;
    private readonly ChannelEnd _client = new ChannelEnd(), _server = new ChannelEnd();

    /// <summary>Byte offset of the reply ring in the region (the request ring is at 0).</summary>
    internal static int ReplyRingOffset => PageRound(SpscRing.RequiredBytes(RingCapacity));

    /// <summary>Bytes of each ring's region (header + data).</summary>
    internal static int RingRegionBytes => SpscRing.RequiredBytes(RingCapacity);

    private Channel(int id, ulong region, ulong pages)
    {
        Id = id;
        Region = region;
        RegionPages = pages;
    }

    /// <summary>A channel with both rings empty; null when memory is short.</summary>
    internal static Channel? Create()
    {
        ulong pages = (ulong)(2 * ReplyRingOffset) / 4096;
        if (!PhysicalMemory.TryAllocateContiguous(FramePurpose.Anonymous, pages, 1, out ulong region))
        {
            return null;
        }

        new System.Span<byte>((void*)region, (int)(pages * 4096)).Clear();
        SpscRing.Initialize((byte*)region, RingRegionBytes, 0);
        SpscRing.Initialize((byte*)region + ReplyRingOffset, RingRegionBytes, 0);
        return new Channel(s_nextId++, region, pages);
    }

    /// <summary>The kernel's state of one end: its wait object, closed flag, holder's set.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // the call/reply path
    internal ChannelEnd End(ChannelSide side) => side == ChannelSide.Client ? _client : _server;

    internal bool IsClosed(ChannelSide side) => End(side).Closed;

    /// <summary>notify from <paramref name="from"/>: the peer's end and its holder's set get
    /// a pending notification and the one thread waiting for it wakes.</summary>
    internal void Notify(ChannelSide from)
    {
        ChannelEnd peer = End(Peer(from));
        peer.Signal();
        peer.WakeWaiter();
    }

    /// <summary>Closes one side and wakes whoever waits on the other (it sees EPIPE).</summary>
    internal void Close(ChannelSide side)
    {
        ChannelEnd end = End(side);
        end.Closed = true;
        end.Holder = null;
        End(Peer(side)).WakeAllOnClose();
    }

    /// <summary>Frees the ring pages once both sides are closed and unmapped.</summary>
    internal void ReleaseIfUnused()
    {
        if (!_client.Closed || !_server.Closed)
        {
            return;
        }

        for (ulong p = 0; p < RegionPages; p++)
        {
            PhysicalMemory.Free(FramePurpose.Anonymous, Region + p * 4096);
        }
    }

    internal static ChannelSide Peer(ChannelSide side) => side == ChannelSide.Client ? ChannelSide.Server : ChannelSide.Client;

    private static int PageRound(int bytes) => (bytes + 4095) & ~4095;
}
