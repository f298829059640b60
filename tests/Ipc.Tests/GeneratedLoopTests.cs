using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using Microkernel.Ipc.Tests.Contracts;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>
/// The generated blocking calls (KeyValueCalls) and serve loop (KeyValueServedChannels) on the
/// host: real rings, a client thread and a server thread that sleep and wake through
/// <see cref="HostKernel"/>, a server that dies mid-call, full rings, many clients, reconnection
/// by generation and a stop.
/// </summary>
public sealed class GeneratedLoopTests : IDisposable
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);
    private readonly HostKernel _kernel = new();
    private readonly HostProcess _server = new();
    private readonly List<HostDirectory.Entry?> _entries = new();
    private readonly List<NativeRegion> _regions = new();
    private readonly Handlers _handlers = new();

    public void Dispose()
    {
        foreach (NativeRegion region in _regions)
        {
            region.Dispose();
        }
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Connects a new client at directory entry <paramref name="index"/>; returns its calls.</summary>
    private KeyValueCalls<HostWaiter> Connect(int index, HostProcess client, int capacity = 4096, uint generation = 1, int maxOutstanding = 16)
    {
        NativeRegion requests = new(capacity), replies = new(capacity);
        _regions.Add(requests);
        _regions.Add(replies);
        (ulong clientHandle, ulong serverHandle) = _kernel.Open(client, _server);
        while (_entries.Count <= index)
        {
            _entries.Add(null);
        }

        _entries[index] = new HostDirectory.Entry(serverHandle, generation, requests, replies);
        KeyValueClient typed = new(requests.Producer(), replies.Consumer(), 512, maxOutstanding);
        return new KeyValueCalls<HostWaiter>(typed, clientHandle, new HostWaiter(_kernel, client));
    }

    private KeyValueServedChannels<HostWaiter> Served() => new(_handlers, new HostWaiter(_kernel, _server), 8, 512, 512);

    private void Refresh(KeyValueServedChannels<HostWaiter> served)
    {
        HostDirectory directory = new(_entries);
        served.Refresh(ref directory);
    }

    /// <summary>The serve loop a many-client service runs: serve every ring, then sleep on all
    /// channels carrying the last wake-up; ends when the last client left or on a stop.</summary>
    private static Worker<long> RunServer(KeyValueServedChannels<HostWaiter> served, ulong timeoutNs = 0) => new(() =>
    {
        while (true)
        {
            if (served.ServeAll(64, deferLastWake: true, out _))
            {
                continue;
            }

            long woke = served.SleepUntilWork(timeoutNs);
            if (woke < 0 && woke != -HostKernel.ETIMEDOUT)
            {
                return woke;
            }

            if (served.Connected == 0)
            {
                return 0;
            }
        }
    });

    [Fact]
    public void BlockingCallsAcrossTwoThreadsGetTheirOwnReplies()
    {
        HostProcess clientProcess = new();
        KeyValueCalls<HostWaiter> calls = Connect(0, clientProcess);
        KeyValueServedChannels<HostWaiter> served = Served();
        Refresh(served);
        Worker<long> server = RunServer(served);

        for (int i = 0; i < 500; i++)
        {
            Assert.True(calls.Put(new PutRequest { Key = Utf8("k" + (i % 7)), Value = BitConverter.GetBytes(i), Overwrite = true }, out PutReply put));
            Assert.True(put.Stored);
            Assert.Equal(i + 1, put.Version);
            Assert.True(calls.Get(new GetRequest { Key = Utf8("k" + (i % 7)) }, out GetReply got));
            Assert.True(got.Found);
            Assert.Equal(i, BitConverter.ToInt32(got.Value));
        }

        Assert.True(calls.Forget(new GetRequest { Key = Utf8("k0") }));
        Assert.True(calls.Get(new GetRequest { Key = Utf8("k0") }, out GetReply forgotten));
        Assert.False(forgotten.Found);
        Assert.False(calls.IsBroken);
        Assert.True(_server.NotifyWaitAlls > 0); // replies went out with the server's next wait

        // The client goes: the server's wait reports the closed peer, the entry is dropped, the loop ends.
        _kernel.Close(calls.Channel);
        Assert.True(server.Join(s_patience));
        Assert.Equal(0, server.Result);
        Assert.Equal(1, served.Left);
        Assert.Equal(0, served.Connected);
        Assert.Equal(new[] { 0 }, _handlers.DroppedEntries);
    }

    [Fact]
    public void ACallToAServerThatDiesMidCallFailsInsteadOfHanging()
    {
        HostProcess clientProcess = new();
        KeyValueCalls<HostWaiter> calls = Connect(0, clientProcess);
        ulong serverHandle = _entries[0]!.Handle;

        // Nobody serves: the server dies while the request is in its ring.
        Worker<bool> call = new(() => calls.Get(new GetRequest { Key = Utf8("a") }, out _));
        Thread.Sleep(50);
        Assert.False(call.IsFinished);
        _kernel.Close(serverHandle);
        Assert.True(call.Join(s_patience));
        Assert.False(call.Result);
        Assert.True(calls.IsBroken);

        // Broken stays broken: the next call fails at once, nothing is sent.
        Assert.False(calls.Put(new PutRequest { Key = Utf8("b") }, out _));
        Assert.Equal(1, calls.Outstanding);
    }

    [Fact]
    public void AFullRequestRingFailsTheCallWithoutBreakingTheChannelAndPostedRequestsAreAllAnswered()
    {
        HostProcess clientProcess = new();
        KeyValueCalls<HostWaiter> calls = Connect(0, clientProcess, capacity: 256, maxOutstanding: 64);

        // Fill the request ring with posted requests while no server runs.
        int posted = 0;
        while (calls.Client.TrySendPut(new PutRequest { Key = Utf8("p" + posted), Value = new byte[8] }, out _) == CallStatus.Ok)
        {
            posted++;
        }

        Assert.True(posted > 1);
        Assert.False(calls.Get(new GetRequest { Key = Utf8("p0") }, out _)); // the ring is full: not sent
        Assert.False(calls.IsBroken);

        KeyValueServedChannels<HostWaiter> served = Served();
        Refresh(served);
        Worker<long> server = RunServer(served);
        Assert.True(calls.Publish());
        for (int i = 0; i < posted; i++)
        {
            Assert.True(calls.WaitForReply(out ReplyMessage reply));
            Assert.True(KeyValueClient.TryDecodePutReply(reply, out PutReply put));
            Assert.True(put.Stored);
        }

        Assert.Equal(0, calls.Outstanding);
        Assert.True(calls.Get(new GetRequest { Key = Utf8("p0") }, out GetReply got));
        Assert.True(got.Found);
        _kernel.Close(calls.Channel);
        Assert.True(server.Join(s_patience));
    }

    [Fact]
    public void ManyClientsAreServedByOneLoopWhichKeepsItsCountAndHighestEntry()
    {
        KeyValueServedChannels<HostWaiter> served = Served();
        List<KeyValueCalls<HostWaiter>> clients = new();
        foreach (int index in new[] { 1, 3, 4 })
        {
            clients.Add(Connect(index, new HostProcess()));
        }

        Refresh(served);
        Assert.Equal(3, served.Connected);
        Assert.Equal(5, served.Limit);
        Assert.False(served.IsServing(0));
        Worker<long> server = RunServer(served);

        var callers = new Worker<bool>[clients.Count];
        for (int c = 0; c < clients.Count; c++)
        {
            KeyValueCalls<HostWaiter> calls = clients[c];
            string key = "client" + c;
            callers[c] = new(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    if (!calls.Put(new PutRequest { Key = Utf8(key), Value = BitConverter.GetBytes(i), Overwrite = true }, out _)
                        || !calls.Get(new GetRequest { Key = Utf8(key) }, out GetReply got) || BitConverter.ToInt32(got.Value) != i)
                    {
                        return false;
                    }
                }

                return true;
            });
        }

        foreach (Worker<bool> caller in callers)
        {
            Assert.True(caller.Join(s_patience));
            Assert.True(caller.Result);
        }
        foreach (KeyValueCalls<HostWaiter> calls in clients)
        {
            _kernel.Close(calls.Channel);
        }

        Assert.True(server.Join(s_patience));
        Assert.Equal(3, served.Left);
        _handlers.DroppedEntries.Sort();
        Assert.Equal(new[] { 1, 3, 4 }, _handlers.DroppedEntries);
    }

    [Fact]
    public void AReconnectedEntryIsServedAgainWithANewHandler()
    {
        KeyValueServedChannels<HostWaiter> served = Served();
        KeyValueCalls<HostWaiter> first = Connect(2, new HostProcess(), generation: 1);
        Refresh(served);
        Assert.Equal(1, _handlers.Opened);
        Refresh(served); // same generation and handle: nothing changes
        Assert.Equal(1, _handlers.Opened);

        // The client restarts: the entry gets new rings, a new handle and a new generation.
        KeyValueCalls<HostWaiter> second = Connect(2, new HostProcess(), generation: 2);
        Refresh(served);
        Assert.Equal(2, _handlers.Opened);
        Assert.Equal(new[] { 2 }, _handlers.DroppedEntries);
        Assert.Equal(1, served.Connected);

        Worker<long> server = RunServer(served);
        Assert.True(second.Put(new PutRequest { Key = Utf8("x") }, out PutReply put));
        Assert.True(put.Stored);
        _kernel.Close(second.Channel);
        _kernel.Close(first.Channel);
        Assert.True(server.Join(s_patience));
        Assert.Equal(0, served.Connected);
    }

    [Fact]
    public void AStopEndsTheServeLoopAndATimeoutOnlyReturns()
    {
        KeyValueServedChannels<HostWaiter> served = Served();
        KeyValueCalls<HostWaiter> calls = Connect(0, new HostProcess());
        Refresh(served);
        Assert.Equal(-HostKernel.ETIMEDOUT, served.SleepUntilWork(1_000_000));
        Assert.Equal(1, served.Connected);

        Worker<long> server = RunServer(served, timeoutNs: 5_000_000);
        Assert.True(calls.Get(new GetRequest { Key = Utf8("a") }, out _));
        _kernel.Stop(_server);
        Assert.True(server.Join(s_patience));
        Assert.Equal(-HostKernel.ESHUTDOWN, server.Result);
        Assert.Equal(1, served.Connected);
    }

    [Fact]
    public void TheOneChannelLoopServesUntilItsClientGoes()
    {
        KeyValueServedChannels<HostWaiter> served = Served();
        KeyValueCalls<HostWaiter> calls = Connect(0, new HostProcess());
        Refresh(served);
        Worker<long> server = new(() => served.ServeOnly(0, 64));

        for (int i = 0; i < 300; i++)
        {
            Assert.True(calls.Put(new PutRequest { Key = Utf8("k"), Overwrite = true }, out PutReply put));
            Assert.Equal(i + 1, put.Version);
        }

        _kernel.Close(calls.Channel);
        Assert.True(server.Join(s_patience));
        Assert.Equal(-HostKernel.EPIPE, server.Result);
        Assert.Equal(1, served.Left);
    }

    [Fact]
    public void AClientThatCorruptsItsRingIsDroppedAndCounted()
    {
        KeyValueServedChannels<HostWaiter> served = Served();
        Connect(0, new HostProcess());
        Refresh(served);
        NativeRegion requests = _entries[0]!.Requests;
        unsafe
        {
            // A published prefix with the right stamp and an impossible length.
            *(ulong*)requests.Data = 0xFFFF_FFF0UL | ((ulong)SpscRing.StampOf(0) << 32);
        }

        served.ServeAll(64, deferLastWake: true, out int corrupted);
        Assert.Equal(1, corrupted);
        Assert.Equal(0, served.Connected);
        Assert.Equal(new[] { 0 }, _handlers.DroppedEntries);
    }

    /// <summary>One store per entry, as a service keeps one session per client.</summary>
    private sealed class Handlers : IKeyValueHandlers
    {
        private readonly Dictionary<int, KeyValueStore> _stores = new();

        public int Opened { get; private set; }

        public List<int> DroppedEntries { get; } = new();

        public IKeyValue HandlerFor(int index)
        {
            Opened++;
            lock (_stores)
            {
                _stores[index] = new KeyValueStore();
                return _stores[index];
            }
        }

        public void Dropped(int index)
        {
            lock (DroppedEntries)
            {
                DroppedEntries.Add(index);
            }
        }
    }

    /// <summary>A thread of its own (a client or a server process), with its result.</summary>
    private sealed class Worker<T>
    {
        private readonly Thread _thread;
        private T _result = default!;
        private Exception? _failure;

        public Worker(Func<T> body)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    _result = body();
                }
                catch (Exception e)
                {
                    _failure = e;
                }
            })
            { IsBackground = true };
            _thread.Start();
        }

        public bool IsFinished => !_thread.IsAlive;

        public T Result => _failure == null ? _result : throw new InvalidOperationException("the thread failed", _failure);

        public bool Join(TimeSpan timeout) => _thread.Join(timeout);
    }
}
