using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using Microkernel.Ipc;
using Microkernel.Ipc.Tests;
using Microkernel.Services.Contracts;
using Microkernel.Services.Store;
using Xunit;

namespace Microkernel.Store.Tests;

/// <summary>The store as the service runs it, on the host: the generated StoreServedChannels
/// loop on its own thread over real rings, one StoreSession per entry, clients calling the
/// generated StoreCalls from their threads, and a client that leaves forgotten by the table
/// (its object goes) through the loop's drop.</summary>
public sealed class StoreServeLoopTests : IDisposable
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);
    private readonly HostKernel _kernel = new();
    private readonly HostProcess _storeProcess = new();
    private readonly List<HostDirectory.Entry?> _entries = new();
    private readonly List<NativeRegion> _regions = new();

    public void Dispose()
    {
        foreach (NativeRegion region in _regions)
        {
            region.Dispose();
        }
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private StoreCalls<HostWaiter> Connect(int index)
    {
        NativeRegion requests = new(4096), replies = new(4096);
        _regions.Add(requests);
        _regions.Add(replies);
        HostProcess client = new();
        (ulong clientHandle, ulong serverHandle) = _kernel.Open(client, _storeProcess);
        while (_entries.Count <= index)
        {
            _entries.Add(null);
        }

        _entries[index] = new HostDirectory.Entry(serverHandle, 1, requests, replies);
        return new StoreCalls<HostWaiter>(new StoreClient(requests.Producer(), replies.Consumer(), 512, 4), clientHandle, new HostWaiter(_kernel, client));
    }

    private static StoreStatus Status(bool answered, StoreStatus status) => answered ? status : StoreStatus.Unavailable;

    [Fact]
    public void ClientsCallTheStoreLoopAndALeavingClientIsForgotten()
    {
        StoreTable table = new(64, 8, 4, 8);
        Sessions sessions = new(table);
        StoreServedChannels<HostWaiter> served = new(sessions, new HostWaiter(_kernel, _storeProcess), 4, 512, 512);
        StoreCalls<HostWaiter> owner = Connect(0);
        StoreCalls<HostWaiter> reader = Connect(2);
        HostDirectory directory = new(_entries);
        served.Refresh(ref directory);
        Thread loop = new(() =>
        {
            while (true)
            {
                if (served.ServeAll(64, deferLastWake: true, out _))
                {
                    continue;
                }

                if (served.SleepUntilWork(0) < 0 || served.Connected == 0)
                {
                    return;
                }
            }
        })
        { IsBackground = true };
        loop.Start();

        Assert.Equal(StoreStatus.Ok, Status(owner.CreateObject(new StoreNameRequest { Name = Utf8("app/main") }, out StoreStatusReply created), created.Status));
        StoreRegisterRequest register = new() { Name = Utf8("app/main/count"), Value = StoreValues.Unsigned(1), Writable = true };
        Assert.Equal(StoreStatus.Ok, Status(owner.Register(in register, out StoreStatusReply registered), registered.Status));
        for (ulong i = 2; i < 200; i++)
        {
            StoreSetRequest set = new() { Name = Utf8("app/main/count"), Value = StoreValues.Unsigned(i) };
            Assert.Equal(StoreStatus.Ok, Status(reader.Set(in set, out StoreStatusReply written), written.Status));
            Assert.True(owner.Get(new StoreNameRequest { Name = Utf8("app/main/count") }, out StoreGetReply got));
            Assert.Equal(i, got.Value.Unsigned);
        }

        // The owner leaves: the loop drops entry 0 and the table forgets client 1's object.
        _kernel.Close(owner.Channel);
        StoreStatus after = StoreStatus.Ok;
        for (int attempt = 0; attempt < 3000 && after == StoreStatus.Ok; attempt++)
        {
            after = Status(reader.Get(new StoreNameRequest { Name = Utf8("app/main/count") }, out StoreGetReply gone), gone.Status);
            Thread.Sleep(1);
        }

        Assert.Equal(StoreStatus.UnknownName, after);
        Assert.Equal(new[] { 0 }, sessions.Dropped);
        Assert.Equal(1, served.Left);

        _kernel.Close(reader.Channel);
        Assert.True(loop.Join(s_patience));
        Assert.Equal(0, served.Connected);
    }

    /// <summary>What StoreService does: a session per entry (client id = entry + 1), the client forgotten when it goes.</summary>
    private sealed class Sessions : IStoreHandlers
    {
        private readonly StoreTable _table;

        public Sessions(StoreTable table)
        {
            _table = table;
        }

        public List<int> Dropped { get; } = new();

        public IStore HandlerFor(int index) => new StoreSession(_table, index + 1);

        void IStoreHandlers.Dropped(int index)
        {
            Dropped.Add(index);
            _table.DropClient(index + 1);
        }
    }
}
