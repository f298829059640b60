using System;
using System.Runtime.InteropServices;
using System.Text;
using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.Services.Store;
using Xunit;

namespace Microkernel.Store.Tests;

/// <summary>The store's sessions behind the generated dispatcher, called through the
/// generated client over real rings (in host memory): what the service does per channel.</summary>
public sealed unsafe class StoreSessionTests : IDisposable
{
    private const int RingCapacity = 4096, MaxBody = 512;
    private readonly System.Collections.Generic.List<IntPtr> _regions = new();

    private SpscProducer Ring(out SpscConsumer consumer)
    {
        int bytes = SpscRing.RequiredBytes(RingCapacity);
        byte* region = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        _regions.Add((IntPtr)region);
        Assert.Equal(RingStatus.Ok, SpscRing.Initialize(region, bytes, 0));
        consumer = new SpscConsumer(region, bytes);
        return new SpscProducer(region, bytes);
    }

    public void Dispose()
    {
        foreach (IntPtr region in _regions)
        {
            NativeMemory.AlignedFree((void*)region);
        }
    }

    /// <summary>One client connected to the table as <paramref name="clientId"/>.</summary>
    private sealed class Connection
    {
        public required StoreClient Client;
        public required ServerEndpoint Server;

        public ReplyMessage Call(uint requestId)
        {
            Client.Endpoint.Flush();
            Assert.Equal(ServeStatus.Ok, Server.TryServe(8, out int served));
            Assert.Equal(1, served);
            Assert.Equal(CallStatus.Ok, Client.Endpoint.TryReceive(out ReplyMessage reply));
            Assert.Equal(requestId, reply.RequestId);
            return reply;
        }

        public StoreStatus Status(CallStatus sent, uint requestId, Func<ReplyMessage, (bool, StoreStatusReply)> decode)
        {
            Assert.Equal(CallStatus.Ok, sent);
            (bool ok, StoreStatusReply reply) = decode(Call(requestId));
            Assert.True(ok);
            return reply.Status;
        }
    }

    private Connection Connect(StoreTable table, int clientId)
    {
        SpscProducer requests = Ring(out SpscConsumer incoming);
        SpscProducer outgoing = Ring(out SpscConsumer replies);
        return new Connection
        {
            Client = new StoreClient(requests, replies, MaxBody, 4),
            Server = new ServerEndpoint(incoming, outgoing, new StoreDispatcher(new StoreSession(table, clientId)), MaxBody, MaxBody),
        };
    }

    private static (bool, StoreStatusReply) Decode(ReplyMessage m, ushort method)
    {
        var reader = new MessagePackReader(m.Body);
        bool decoded = StoreStatusReply.TryDecode(ref reader, out StoreStatusReply value);
        return (decoded && reader.End && !m.IsError && m.Header.MessageId == method, value);
    }

    [Fact]
    public void TwoClientsUseOneTableThroughTheirOwnChannels()
    {
        var table = new StoreTable(32, 4, 3, 8);
        Assert.True(StoreSelfEntries.Register(table, new Fixed(2), uptime: null));
        Connection alice = Connect(table, 1), bob = Connect(table, 2);
        uint id;

        Assert.Equal(StoreStatus.Ok, alice.Status(alice.Client.TrySendCreateObject(new StoreNameRequest { Name = "app/probe"u8 }, out id), id, m => Decode(m, 3)));
        Assert.Equal(StoreStatus.Ok, alice.Status(alice.Client.TrySendRegister(new StoreRegisterRequest
        {
            Name = "app/probe/label"u8,
            Value = new StoreWireValue { Type = StoreType.Text, Text = "caf\u00e9"u8 },
            Writable = false,
        }, out id), id, m => Decode(m, 7)));
        Assert.Equal(StoreStatus.Ok, bob.Status(bob.Client.TrySendSubscribe(new StoreNameRequest { Name = "app/"u8 }, out id), id, m => Decode(m, 9)));

        // Bob may read but not write Alice's read-only entry, nor remove her object.
        Assert.Equal(StoreStatus.ReadOnly, bob.Status(bob.Client.TrySendSet(new StoreSetRequest
        {
            Name = "app/probe/label"u8,
            Value = new StoreWireValue { Type = StoreType.Text, Text = "x"u8 },
        }, out id), id, m => Decode(m, 2)));
        Assert.Equal(StoreStatus.NotOwner, bob.Status(bob.Client.TrySendRemoveObject(new StoreNameRequest { Name = "app/probe"u8 }, out id), id, m => Decode(m, 4)));
        Assert.Equal(StoreStatus.Ok, alice.Status(alice.Client.TrySendSet(new StoreSetRequest
        {
            Name = "app/probe/label"u8,
            Value = new StoreWireValue { Type = StoreType.Text, Text = "th\u00e9"u8 },
        }, out id), id, m => Decode(m, 2)));

        Assert.Equal(CallStatus.Ok, bob.Client.TrySendGet(new StoreNameRequest { Name = "app/probe/label"u8 }, out id));
        Assert.True(StoreClient.TryDecodeGetReply(bob.Call(id), out StoreGetReply got));
        Assert.Equal((StoreStatus.Ok, StoreType.Text), (got.Status, got.Value.Type));
        Assert.Equal("th\u00e9", Encoding.UTF8.GetString(got.Value.Text));

        Assert.Equal(CallStatus.Ok, bob.Client.TrySendGet(new StoreNameRequest { Name = "store/self/clients"u8 }, out id));
        Assert.True(StoreClient.TryDecodeGetReply(bob.Call(id), out got));
        Assert.Equal(2UL, got.Value.Unsigned);

        Assert.Equal(CallStatus.Ok, bob.Client.TrySendList(new StoreListRequest { Prefix = "store/"u8, After = "store/self/entries"u8 }, out id));
        Assert.True(StoreClient.TryDecodeListReply(bob.Call(id), out StoreListReply listed));
        Assert.True(listed.Found);
        Assert.Equal("store/self/event-limit", Encoding.UTF8.GetString(listed.Name));

        Assert.Equal(CallStatus.Ok, bob.Client.TrySendPollEvents(new StorePollRequest(), out id));
        Assert.True(StoreClient.TryDecodePollEventsReply(bob.Call(id), out StoreEventReply ev));
        Assert.True(ev.Found);
        Assert.Equal((StoreEventKind.Changed, StoreType.Text, 0u), (ev.Kind, ev.Value.Type, ev.Pending));
        Assert.Equal("app/probe/label", Encoding.UTF8.GetString(ev.Name));
        Assert.Equal("th\u00e9", Encoding.UTF8.GetString(ev.Value.Text));

        // Alice goes away: her object is removed and Bob hears about it.
        table.DropClient(1);
        Assert.Equal(CallStatus.Ok, bob.Client.TrySendPollEvents(new StorePollRequest(), out id));
        Assert.True(StoreClient.TryDecodePollEventsReply(bob.Call(id), out ev));
        Assert.Equal((true, StoreEventKind.Removed, 1u), (ev.Found, ev.Kind, ev.Pending));
        Assert.Equal("app/probe/label", Encoding.UTF8.GetString(ev.Name));
        Assert.Equal(StoreStatus.UnknownName, bob.Status(bob.Client.TrySendAcquire(new StoreNameRequest { Name = "app/probe"u8 }, out id), id, m => Decode(m, 5)));
        Assert.Equal(StoreStatus.BadName, bob.Status(bob.Client.TrySendRelease(new StoreNameRequest { Name = "app"u8 }, out id), id, m => Decode(m, 6)));
    }

    [Fact]
    public void AnUnknownValueTypeFromTheWireIsWrongType()
    {
        var table = new StoreTable(8, 2, 1, 4);
        Connection c = Connect(table, 1);
        Assert.Equal(StoreStatus.Ok, c.Status(c.Client.TrySendCreateObject(new StoreNameRequest { Name = "a/b"u8 }, out uint id), id, m => Decode(m, 3)));
        Assert.Equal(StoreStatus.WrongType, c.Status(c.Client.TrySendRegister(new StoreRegisterRequest
        {
            Name = "a/b/c"u8,
            Value = new StoreWireValue { Type = (StoreType)77, Signed = 1 },
        }, out id), id, m => Decode(m, 7)));
    }

    /// <summary>The owner's bounds, given with Register over the wire, hold for every writer:
    /// a Set outside is Rejected and changes nothing; bounds of the wrong type, on a Text entry,
    /// out of order, or around a first value outside them, are refused at Register.</summary>
    [Fact]
    public void BoundsGivenWithRegisterRejectSetsOutsideThem()
    {
        var table = new StoreTable(8, 2, 2, 4);
        Connection owner = Connect(table, 1), other = Connect(table, 2);
        Assert.Equal(StoreStatus.Ok, owner.Status(owner.Client.TrySendCreateObject(new StoreNameRequest { Name = "klog/config"u8 }, out uint id), id, m => Decode(m, 3)));
        StoreStatus Register(string name, StoreWireValue value, StoreWireValue low, StoreWireValue high) =>
            owner.Status(owner.Client.TrySendRegister(new StoreRegisterRequest
            {
                Name = Encoding.ASCII.GetBytes(name),
                Value = value,
                Writable = true,
                Minimum = low,
                Maximum = high,
            }, out uint rid), rid, m => Decode(m, 7));
        StoreStatus Set(Connection c, string name, StoreWireValue value) =>
            c.Status(c.Client.TrySendSet(new StoreSetRequest { Name = Encoding.ASCII.GetBytes(name), Value = value }, out uint sid), sid, m => Decode(m, 2));
        StoreWireValue U(ulong v) => new StoreWireValue { Type = StoreType.Unsigned, Unsigned = v };
        StoreWireValue S(long v) => new StoreWireValue { Type = StoreType.Signed, Signed = v };

        Assert.Equal(StoreStatus.Ok, Register("klog/config/threshold", U(1), U(0), U(3)));
        Assert.Equal(StoreStatus.Rejected, Set(other, "klog/config/threshold", U(9)));
        Assert.Equal(StoreStatus.Ok, table.Get("klog/config/threshold"u8, out StoreValue kept));
        Assert.Equal(1UL, kept.Unsigned);
        Assert.Equal(StoreStatus.Ok, Set(other, "klog/config/threshold", U(3)));
        Assert.Equal(StoreStatus.Ok, Register("klog/config/offset", S(0), S(-5), default));
        Assert.Equal(StoreStatus.Rejected, Set(owner, "klog/config/offset", S(-6)));
        Assert.Equal(StoreStatus.Ok, Set(owner, "klog/config/offset", S(long.MaxValue)));
        Assert.Equal(StoreStatus.WrongType, Register("klog/config/a", U(1), S(0), default));
        Assert.Equal(StoreStatus.WrongType, Register("klog/config/b", new StoreWireValue { Type = StoreType.Text, Text = "x"u8 }, default, U(3)));
        Assert.Equal(StoreStatus.Rejected, Register("klog/config/c", U(1), U(3), U(2)));
        Assert.Equal(StoreStatus.Rejected, Register("klog/config/d", U(7), U(0), U(3)));
        Assert.Equal(StoreStatus.UnknownName, table.Get("klog/config/d"u8, out _));
    }

    private sealed class Fixed : IStoreEntrySource
    {
        private readonly ulong _value;

        public Fixed(ulong value) => _value = value;

        public StoreValue Get(Span<byte> text) => StoreValue.FromUnsigned(_value);

        public bool TrySet(in StoreValue value) => false;
    }
}
