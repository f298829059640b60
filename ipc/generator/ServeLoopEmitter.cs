using System.Text;
using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>
/// Emits, for one contract, the serve loop's pieces: INameHandlers (the service's side: a
/// handler per served channel, told when its client goes) and NameServedChannels&lt;TWaiter&gt;,
/// a server's table of channels (one per directory entry, many clients, reconnection by
/// generation) with the loop's steps: serve every client's ring, reply and wake, sleep on all
/// channels (or on one) with the last wake-up carried into the wait.
/// </summary>
internal static class ServeLoopEmitter
{
    public static void Append(StringBuilder s, INamedTypeSymbol contract, string baseName, uint contractId)
    {
        s.AppendLine();
        s.Append(Template
            .Replace("@Contract", contract.Name)
            .Replace("@Iface", Names.Global(contract))
            .Replace("@Base", baseName)
            .Replace("@Id", "0x" + contractId.ToString("X8") + "u")
            .Replace("@Ipc.", Names.Ipc));
    }

    private const string Template = """
/// <summary>What a service serving <see cref="@Contract"/> supplies to
/// <see cref="@BaseServedChannels{TWaiter}"/> (generated).</summary>
public interface I@BaseHandlers
{
    /// <summary>The handler for directory entry <paramref name="index"/> (a new channel, or one
    /// reconnected to a restarted client); called each time the entry is opened.</summary>
    @Iface HandlerFor(int index);

    /// <summary>Entry <paramref name="index"/>'s client is gone (closed, replaced or hostile).</summary>
    void Dropped(int index);
}

/// <summary>A server's table of the <see cref="@Contract"/> channels it serves (generated): one
/// per server entry of its channel directory (the start page in a service), each Serving until
/// its client goes (then Gone, until the entry is reconnected with a new generation or handle).
/// It keeps its client count and the highest entry ever opened, so its loops cover the entries in
/// use, not the directory's whole capacity. The serve loop is the caller's, built from
/// <see cref="Refresh{TDirectory}"/>, <see cref="ServeAll"/> and <see cref="SleepUntilWork"/>;
/// a server of one client runs <see cref="ServeOnly"/> instead.</summary>
/// <typeparam name="TWaiter">How to wait and notify: the kernel's calls in a service, events in host tests.</typeparam>
public sealed class @BaseServedChannels<TWaiter>
    where TWaiter : struct, @Ipc.IChannelWaiter
{
    /// <summary>Wire id of the contract.</summary>
    public const uint Id = @Id;

    private const byte NotServed = 0, Serving = 1, Gone = 2;
    private readonly I@BaseHandlers _handlers;
    private readonly @Ipc.ServerEndpoint[] _endpoints;
    private readonly ulong[] _handles;
    private readonly uint[] _generations;
    private readonly byte[] _states;
    private readonly int _maxRequestBody;
    private readonly int _maxReplyBody;
    private TWaiter _waiter;

    /// <summary>Entries [0, _limit) are the only ones ever opened: the loops stop there instead
    /// of walking the whole table on every pass (a directory has a handful of entries).</summary>
    private int _limit;

    /// <summary>Entries in the Serving state (kept with every state change).</summary>
    private int _serving;

    /// <summary>A channel whose client must still be woken (its replies are published): carried
    /// into the next sleep, so the wake-up and the wait are one notify-and-wait.</summary>
    private ulong _pendingWake;

    /// <summary>A table of <paramref name="capacity"/> entries whose handlers
    /// <paramref name="handlers"/> supplies; requests and replies up to the given body sizes.</summary>
    public @BaseServedChannels(I@BaseHandlers handlers, TWaiter waiter, int capacity, int maxRequestBodyLength, int maxReplyBodyLength)
    {
        _handlers = handlers;
        _waiter = waiter;
        _endpoints = new @Ipc.ServerEndpoint[capacity];
        _handles = new ulong[capacity];
        _generations = new uint[capacity];
        _states = new byte[capacity];
        _maxRequestBody = maxRequestBodyLength;
        _maxReplyBody = maxReplyBodyLength;
    }

    /// <summary>Entries of the table.</summary>
    public int Capacity => _states.Length;

    /// <summary>Clients that left (dropped) so far.</summary>
    public int Left { get; private set; }

    /// <summary>Channels being served now.</summary>
    public int Connected => _serving;

    /// <summary>One past the highest entry ever opened: loops over the table stop here.</summary>
    public int Limit => _limit;

    /// <summary>True while entry <paramref name="index"/> is being served.</summary>
    public bool IsServing(int index) => _states[index] == Serving;

    /// <summary>The endpoint of a served entry.</summary>
    public @Ipc.ServerEndpoint Endpoint(int index) => _endpoints[index];

    /// <summary>The channel handle of a served entry.</summary>
    public ulong Handle(int index) => _handles[index];

    /// <summary>Starts serving the directory's server channels that are new or that were
    /// reconnected (their generation or handle changed); a replaced entry's old client is
    /// dropped first.</summary>
    public void Refresh<TDirectory>(ref TDirectory directory)
        where TDirectory : struct, @Ipc.IChannelDirectory
    {
        int count = directory.Count;
        for (int i = 0; i < count && i < _states.Length; i++)
        {
            if (!directory.TryGetServerChannel(i, out ulong handle, out uint generation))
            {
                continue;
            }

            if (_states[i] != NotServed && _generations[i] == generation && _handles[i] == handle)
            {
                continue;
            }

            if (_states[i] == Serving)
            {
                Drop(i);
            }

            _endpoints[i] = new @Ipc.ServerEndpoint(directory.IncomingRequests(i), directory.OutgoingReplies(i),
                new @BaseDispatcher(_handlers.HandlerFor(i)), _maxRequestBody, _maxReplyBody);
            _handles[i] = handle;
            _generations[i] = generation;
            _states[i] = Serving;
            _serving++;
            if (i >= _limit)
            {
                _limit = i + 1;
            }
        }
    }

    /// <summary>Stops serving entry <paramref name="index"/>: its client is gone.</summary>
    public void Drop(int index)
    {
        if (_states[index] != Serving)
        {
            return;
        }

        _states[index] = Gone;
        _serving--;
        Left++;
        _handlers.Dropped(index);
    }

    /// <summary>Serves up to <paramref name="budget"/> messages of every client once. Returns
    /// true when there was work (call again before sleeping). A client whose replies need a
    /// wake-up is notified at once, and dropped if that finds it gone; with
    /// <paramref name="deferLastWake"/> the last one is instead kept for the next sleep (sent
    /// with the wait, so a lone caller gets the CPU straight back) unless there was work, and
    /// any earlier one is notified at once. A client that corrupted its rings is dropped and
    /// counted in <paramref name="corrupted"/>.</summary>
    public bool ServeAll(int budget, bool deferLastWake, out int corrupted)
    {
        corrupted = 0;
        bool busy = false;
        for (int i = 0; i < _limit; i++)
        {
            if (_states[i] == Serving)
            {
                busy |= Serve(i, budget, deferLastWake, ref corrupted);
            }
        }

        if (busy)
        {
            WakePending();
        }

        return busy;
    }

    /// <summary>Serves one served entry, as one step of <see cref="ServeAll"/>; true when there
    /// was work. A deferred wake-up stays pending here even when there was work.</summary>
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool Serve(int index, int budget, bool deferWake, ref int corrupted)
    {
        @Ipc.ServerEndpoint server = _endpoints[index];
        @Ipc.ServeStatus status = server.TryServe(budget, out int served);
        if (server.WakeNeeded)
        {
            if (deferWake)
            {
                if (_pendingWake != 0 && _pendingWake != _handles[index])
                {
                    _waiter.Notify(_pendingWake);
                }

                _pendingWake = _handles[index];
            }
            else if (_waiter.IsPeerGone(_waiter.Notify(_handles[index])))
            {
                Drop(index);
                return false;
            }
        }

        if (status == @Ipc.ServeStatus.RequestRingCorrupt || status == @Ipc.ServeStatus.ReplyRingCorrupt)
        {
            corrupted++;
            Drop(index);
            return false;
        }

        return served > 0 || status == @Ipc.ServeStatus.ReplyRingFull;
    }

    /// <summary>Sends the pending wake-up now, if there is one.</summary>
    public void WakePending()
    {
        if (_pendingWake != 0)
        {
            _waiter.Notify(_pendingWake);
            _pendingWake = 0;
        }
    }

    /// <summary>Announces sleeping on every served request ring and, unless a request arrived
    /// meanwhile, waits on all of this process's channels (up to <paramref name="timeoutNs"/>,
    /// 0 = no limit); clears the announcements and drops a client whose closing woke it. A
    /// pending wake-up goes first: with no time limit the wake-up and the wait are one
    /// notify-and-wait, which switches straight to that client if it is waiting. Returns what the
    /// wait returned (0 when it did not wait; a notified client that was gone counts as 0, and is
    /// dropped); negative results (stop, timeout, nothing to wait on) are the caller's to handle.</summary>
    public long SleepUntilWork(ulong timeoutNs)
    {
        ulong wakeFirst = _pendingWake;
        _pendingWake = 0;
        bool empty = true;
        for (int i = 0; i < _limit; i++)
        {
            if (_states[i] == Serving && _endpoints[i].PrepareToSleep() != @Ipc.RingStatus.Empty)
            {
                empty = false;
            }
        }

        long woke;
        ulong gone = 0;
        if (empty && wakeFirst != 0 && timeoutNs == 0)
        {
            woke = _waiter.NotifyWaitAll(wakeFirst);
            if (_waiter.IsPeerGone(woke))
            {
                // That client is gone. It is dropped now: its endpoint still says a wake-up is
                // owed (WakeNeeded stays set until it serves again), so keeping it would make
                // every later sleep a failing notify-and-wait that never waits.
                woke = 0;
                gone = wakeFirst;
            }
        }
        else
        {
            if (wakeFirst != 0 && _waiter.IsPeerGone(_waiter.Notify(wakeFirst)))
            {
                gone = wakeFirst;
            }

            woke = empty ? _waiter.WaitAll(timeoutNs) : 0;
        }

        for (int i = 0; i < _limit; i++)
        {
            if (_states[i] == Serving)
            {
                _endpoints[i].ClearSleeping();
            }
        }

        if (gone != 0)
        {
            DropChannel(gone);
        }

        if (_waiter.TryGetClosedChannel(woke, out ulong closed))
        {
            DropChannel(closed);
        }

        return woke;
    }

    /// <summary>Drops the served entry whose channel is <paramref name="handle"/>, if any.</summary>
    private void DropChannel(ulong handle)
    {
        for (int i = 0; i < _limit; i++)
        {
            if (_states[i] == Serving && _handles[i] == handle)
            {
                Drop(i);
            }
        }
    }

    /// <summary>The one-client serve loop: serves entry <paramref name="index"/> alone, up to
    /// <paramref name="budget"/> messages per pass, and while its request ring is empty announces
    /// sleeping and waits on its channel only (carrying the client's wake-up, when its replies need
    /// one, as one notify-and-wait, which switches straight to a waiting client); the kernel
    /// answers that without walking the process's other handles. Runs until the wait fails:
    /// returns the wait's negative result (the entry is dropped when that says the client is
    /// gone), or 0 when the client corrupted its rings or stopped taking replies (its reply ring
    /// is full; dropped too).</summary>
    /// <remarks>One method with the endpoint and handle in locals, as the hand-written loop it
    /// replaces was: built from <see cref="ServeAll"/>-style steps on the table, the echo round
    /// trip cost some 80 instructions more (bounds checks, reloads, spills).</remarks>
    public long ServeOnly(int index, int budget)
    {
        @Ipc.ServerEndpoint server = _endpoints[index];
        ulong handle = _handles[index];
        bool wakeClient = false;
        while (true)
        {
            @Ipc.ServeStatus status = server.TryServe(budget, out int served);
            wakeClient |= server.WakeNeeded;
            if (status != @Ipc.ServeStatus.Ok && status != @Ipc.ServeStatus.Idle)
            {
                // Corrupt rings, or a reply ring the one client stopped taking from.
                Drop(index);
                return 0;
            }

            if (served > 0)
            {
                continue;
            }

            if (server.PrepareToSleep() == @Ipc.RingStatus.Empty)
            {
                long waited = wakeClient ? _waiter.NotifyWait(handle, handle) : _waiter.Wait(handle);
                wakeClient = false;
                server.ClearSleeping();
                if (waited < 0)
                {
                    if (_waiter.IsPeerGone(waited))
                    {
                        Drop(index);
                    }

                    return waited;
                }
            }
            else
            {
                server.ClearSleeping();
                if (wakeClient)
                {
                    wakeClient = false;
                    _waiter.Notify(handle);
                }
            }
        }
    }

    /// <summary>Notifies every served client and drops those found gone: finds clients that left
    /// while the server was idle (a live client sees one spurious wake-up, which its wait loop
    /// absorbs).</summary>
    public void ProbeClients()
    {
        for (int i = 0; i < _limit; i++)
        {
            if (_states[i] == Serving && _waiter.IsPeerGone(_waiter.Notify(_handles[i])))
            {
                Drop(i);
            }
        }
    }
}

""";
}
