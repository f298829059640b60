using Microkernel.Ipc;
using Microkernel.Memory;

namespace Microkernel.Channels
{
    /// <summary>Which end of a channel a handle holds.</summary>
    internal enum ChannelSide : byte
    {
        /// <summary>Produces requests, consumes replies.</summary>
        Client = 0,
        /// <summary>Consumes requests, produces replies.</summary>
        Server = 1,
    }

    /// <summary>A kernel channel: two ipc/ rings (requests, replies) on frames that both
    /// peers map at the same user address, plus the wait/notify state the kernel keeps.</summary>
    /// <remarks>
    /// Invariants: the ring memory is owned by the channel, never by either address space
    /// (their mappings are of kind Device and are not freed on unmap); a notify is never
    /// lost: each side has a pending notification that a later wait consumes
    /// without blocking; it is a flag, not a counter (one wake-up covers everything the
    /// peer published before it; a peer that notifies in a loop cannot overflow it)
    /// (the rings' "sleeping" flags decide when to notify at all, so
    /// the kernel is entered only when a ring is empty or a sleeper must be woken);
    /// once a side closes, the other side's waits return at once with EPIPE.
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
        private int _pendingClient, _pendingServer;
        private bool _clientClosed, _serverClosed;
        private Process.ServiceProcess? _clientOwner, _serverOwner;

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
            if (!PhysicalMemory.TryAllocateContiguous(FramePurpose.Anonymous, pages, 1, out ulong region)) return null;
            new System.Span<byte>((void*)region, (int)(pages * 4096)).Clear();
            SpscRing.Initialize((byte*)region, RingRegionBytes, 0);
            SpscRing.Initialize((byte*)region + ReplyRingOffset, RingRegionBytes, 0);
            return new Channel(s_nextId++, region, pages);
        }

        /// <summary>The scheduler key a side waits on.</summary>
        internal ulong WaitKey(ChannelSide side) => 0xC4A7_0000_0000UL | ((ulong)Id << 1) | (ulong)side;

        internal bool IsClosed(ChannelSide side) => side == ChannelSide.Client ? _clientClosed : _serverClosed;

        /// <summary>True when <paramref name="side"/> has a notification waiting (not consumed).</summary>
        internal bool HasNotification(ChannelSide side) => (side == ChannelSide.Client ? _pendingClient : _pendingServer) != 0;

        /// <summary>Takes one pending notification for <paramref name="side"/>, if any.</summary>
        internal bool TryConsumeNotification(ChannelSide side)
        {
            ref int pending = ref side == ChannelSide.Client ? ref _pendingClient : ref _pendingServer;
            if (pending == 0) return false;
            pending--;
            return true;
        }

        /// <summary>Records a notification for the peer of <paramref name="from"/>; returns the key to wake.</summary>
        internal ulong Notify(ChannelSide from)
        {
            ChannelSide peer = Peer(from);
            if (peer == ChannelSide.Client) _pendingClient = 1; else _pendingServer = 1;
            return WaitKey(peer);
        }

        /// <summary>Closes one side; returns the key of the peer to wake (it sees EPIPE).</summary>
        internal ulong Close(ChannelSide side)
        {
            if (side == ChannelSide.Client) _clientClosed = true; else _serverClosed = true;
            return WaitKey(Peer(side));
        }

        /// <summary>Frees the ring pages once both sides are closed and unmapped.</summary>
        internal void ReleaseIfUnused()
        {
            if (!_clientClosed || !_serverClosed) return;
            for (ulong p = 0; p < RegionPages; p++) PhysicalMemory.Free(FramePurpose.Anonymous, Region + p * 4096);
        }

        /// <summary>Records which process holds <paramref name="side"/> (null: nobody, or
        /// the end closed), so a notify can also wake that process's wait(0).</summary>
        internal void SetOwner(ChannelSide side, Process.ServiceProcess? owner)
        {
            if (side == ChannelSide.Client) _clientOwner = owner; else _serverOwner = owner;
        }

        /// <summary>The process holding <paramref name="side"/>, or null.</summary>
        internal Process.ServiceProcess? OwnerOf(ChannelSide side) => side == ChannelSide.Client ? _clientOwner : _serverOwner;

        internal static ChannelSide Peer(ChannelSide side) => side == ChannelSide.Client ? ChannelSide.Server : ChannelSide.Client;

        private static int PageRound(int bytes) => (bytes + 4095) & ~4095;
    }
}
