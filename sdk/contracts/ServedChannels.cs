using Microkernel.Abi;
using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts
{
    /// <summary>What a server does when <see cref="ServedChannels"/> starts or stops serving a channel.</summary>
    public interface IServedChannelHost
    {
        /// <summary>The endpoint that serves start-page entry <paramref name="index"/> (a new
        /// channel, or one the supervisor reconnected).</summary>
        ServerEndpoint Open(int index, in ChannelGrant grant);

        /// <summary>Entry <paramref name="index"/>'s client is gone (closed, replaced or hostile).</summary>
        void Dropped(int index);
    }

    /// <summary>A server's table of the channels it serves: one per server entry of its start
    /// page, each Serving until its client goes (then Gone, until the supervisor reconnects it
    /// with a new generation). Shared by the store and klog.</summary>
    public sealed class ServedChannels
    {
        /// <summary>Entries of the table: one per start-page entry.</summary>
        public const int Capacity = StartInfoLayout.MaxEntries;

        private const byte NotServed = 0, Serving = 1, Gone = 2;
        private readonly IServedChannelHost _host;
        private readonly ServerEndpoint[] _endpoints = new ServerEndpoint[Capacity];
        private readonly ulong[] _handles = new ulong[Capacity];
        private readonly uint[] _generations = new uint[Capacity];
        private readonly byte[] _states = new byte[Capacity];

        /// <summary>Entries [0, _limit) are the only ones ever opened: the loops below stop
        /// there instead of walking all <see cref="Capacity"/> entries on every sleep (a store
        /// get spent ~1,500 instructions in those walks; a start page has a handful of entries).</summary>
        private int _limit;

        /// <summary>Entries in the Serving state (kept with every state change).</summary>
        private int _serving;

        /// <summary>A table whose channels <paramref name="host"/> opens and is told of dropping.</summary>
        public ServedChannels(IServedChannelHost host) { _host = host; }

        /// <summary>Clients that left (dropped) so far.</summary>
        public int Left { get; private set; }

        /// <summary>Channels being served now.</summary>
        public int Connected => _serving;

        /// <summary>One past the highest entry ever opened: loops over the table stop here.</summary>
        public int Limit => _limit;

        /// <summary>True while entry <paramref name="index"/> is being served.</summary>
        public bool IsServing(int index) => _states[index] == Serving;

        /// <summary>The endpoint of a served entry.</summary>
        public ServerEndpoint Endpoint(int index) => _endpoints[index];

        /// <summary>The channel handle of a served entry (for notify).</summary>
        public ulong Handle(int index) => _handles[index];

        /// <summary>Starts serving server channels that are new in the start page or that the
        /// supervisor reconnected (their generation or handle changed); a replaced one's old
        /// client is dropped first.</summary>
        public void Refresh()
        {
            int count = StartInfo.ChannelCount;
            for (int i = 0; i < count && i < Capacity; i++)
            {
                if (!StartInfo.TryGetChannel(i, out ChannelGrant grant) || !grant.IsServer) continue;
                if (_states[i] != NotServed && _generations[i] == grant.Generation && _handles[i] == grant.Handle) continue;
                if (_states[i] == Serving) Drop(i);
                _endpoints[i] = _host.Open(i, in grant);
                _handles[i] = grant.Handle;
                _generations[i] = grant.Generation;
                _states[i] = Serving;
                _serving++;
                if (i >= _limit) _limit = i + 1;
            }
        }

        /// <summary>Stops serving entry <paramref name="index"/>: its client is gone.</summary>
        public void Drop(int index)
        {
            if (_states[index] != Serving) return;
            _states[index] = Gone;
            _serving--;
            Left++;
            _host.Dropped(index);
        }

        /// <summary>Announces sleeping on every served request ring and, unless a request
        /// arrived meanwhile, waits on all of this process's channels (wait(0), up to
        /// <paramref name="timeoutNs"/>, 0 = no limit); clears the announcements and drops a
        /// client whose closing woke it. <paramref name="wakeFirst"/>, when not 0, is a channel
        /// whose client must be woken first (its reply is published): with no time limit the
        /// wake-up and the wait are one notify_wait(handle, 0), which switches straight to that
        /// client if it is waiting. Returns what the wait returned (0 when it did not wait):
        /// -ESHUTDOWN, -ETIMEDOUT, -EBADF (no channel at all) are the caller's to handle; a
        /// client that closed before its wake-up is found by the next wait.</summary>
        public long SleepUntilWork(ulong timeoutNs, ulong wakeFirst = 0)
        {
            bool empty = true;
            for (int i = 0; i < _limit; i++)
            {
                if (_states[i] == Serving && _endpoints[i].PrepareToSleep() != RingStatus.Empty) empty = false;
            }
            long woke;
            if (empty && wakeFirst != 0 && timeoutNs == 0)
            {
                woke = SystemCall.NotifyWaitAny(wakeFirst);
                if (woke == -Errno.EPIPE) woke = 0; // that client is gone; the next wait reports which
            }
            else
            {
                if (wakeFirst != 0) SystemCall.Notify(wakeFirst);
                woke = empty ? SystemCall.WaitAny(timeoutNs) : 0;
            }
            for (int i = 0; i < _limit; i++)
            {
                if (_states[i] == Serving) _endpoints[i].ClearSleeping();
            }
            if (woke > 0 && (woke & WaitResult.PeerClosedFlag) != 0)
            {
                ulong handle = (ulong)(woke & 0xFFFF_FFFF);
                for (int i = 0; i < _limit; i++)
                {
                    if (_states[i] == Serving && _handles[i] == handle) Drop(i);
                }
            }
            return woke;
        }
    }
}
