using System;
using System.Text;
using Microkernel.Services.Contracts;
using Microkernel.Services.Store;
using Xunit;

namespace Microkernel.Store.Tests;

/// <summary>Each error the table returns, provoked on purpose, plus the rules the model
/// property reaches only rarely (event limit, dropping a client, computed entries).</summary>
public sealed class StoreTableTests
{
    private const int Alice = 1, Bob = 2;

    private static StoreTable NewTable(int maxEntries = 16, int maxObjects = 4, int eventCapacity = 8)
    {
        var table = new StoreTable(maxEntries, maxObjects, maxClients: 3, eventCapacity);
        Assert.Equal(StoreStatus.Ok, table.RegisterStatic("store/self/version"u8, StoreValue.FromText("1"u8), writable: false));
        return table;
    }

    private static StoreTable WithProbe()
    {
        StoreTable table = NewTable();
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Alice, "app/probe"u8));
        Assert.Equal(StoreStatus.Ok, table.Register(Alice, "app/probe/count"u8, StoreValue.FromSigned(5), writable: false));
        Assert.Equal(StoreStatus.Ok, table.Register(Alice, "app/probe/open"u8, StoreValue.FromBoolean(false), writable: true));
        return table;
    }

    private sealed class Limited : IStoreEntrySource
    {
        public ulong Value = 3;
        public int Sets;

        public StoreValue Get(Span<byte> text) => StoreValue.FromUnsigned(Value);

        public bool TrySet(in StoreValue value)
        {
            Sets++;
            if (value.Unsigned > 10)
            {
                return false;
            }

            Value = value.Unsigned;
            return true;
        }
    }

    private sealed class Greeting : IStoreEntrySource
    {
        public StoreValue Get(Span<byte> text)
        {
            "hi"u8.CopyTo(text);
            return StoreValue.FromText(text.Slice(0, 2));
        }

        public bool TrySet(in StoreValue value) => false;
    }

    [Fact]
    public void EntriesSharingAHashBucketAreFoundAddedAndRemovedIndependently()
    {
        // Eight entries in a table of eight: eight buckets. Pick, from many candidate names, four
        // that land in one bucket (chains of length four), two per object, so that removing one
        // object unlinks entries from the middle and the ends of a chain.
        var table = new StoreTable(8, 4, maxClients: 3, eventCapacity: 8);
        string[] chain = new string[4];
        int found = 0;
        for (int i = 0; found < 4 && i < 10_000; i++)
        {
            string leaf = "e" + i;
            if ((StoreNames.Hash(Encoding.UTF8.GetBytes((found < 2 ? "app/a/" : "app/b/") + leaf)) & 7) == 0)
            {
                chain[found] = (found < 2 ? "app/a/" : "app/b/") + leaf;
                found++;
            }
        }

        Assert.Equal(4, found);
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Alice, "app/a"u8));
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Alice, "app/b"u8));
        // Interleaved, so each object's entries sit at both ends and in the middle of the chain.
        foreach (int k in new[] { 0, 2, 1, 3 })
        {
            Assert.Equal(StoreStatus.Ok, table.Register(Alice, Encoding.UTF8.GetBytes(chain[k]), StoreValue.FromSigned(k), writable: false));
        }

        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(StoreStatus.Ok, table.Get(Encoding.UTF8.GetBytes(chain[k]), out StoreValue v));
            Assert.Equal(k, v.Signed);
        }

        Assert.Equal(StoreStatus.Ok, table.RemoveObject(Alice, "app/a"u8));
        Assert.Equal(StoreStatus.UnknownName, table.Get(Encoding.UTF8.GetBytes(chain[0]), out _));
        Assert.Equal(StoreStatus.UnknownName, table.Get(Encoding.UTF8.GetBytes(chain[1]), out _));
        for (int k = 2; k < 4; k++)
        {
            Assert.Equal(StoreStatus.Ok, table.Get(Encoding.UTF8.GetBytes(chain[k]), out StoreValue v));
            Assert.Equal(k, v.Signed);
        }

        // The freed slots are reused, and the names can be registered again under a new object.
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Bob, "app/a"u8));
        Assert.Equal(StoreStatus.Ok, table.Register(Bob, Encoding.UTF8.GetBytes(chain[1]), StoreValue.FromSigned(11), writable: false));
        Assert.Equal(StoreStatus.Exists, table.Register(Bob, Encoding.UTF8.GetBytes(chain[1]), StoreValue.FromSigned(12), writable: false));
        Assert.Equal(StoreStatus.Ok, table.Get(Encoding.UTF8.GetBytes(chain[1]), out StoreValue again));
        Assert.Equal(11, again.Signed);
        Assert.Equal(StoreStatus.UnknownName, table.Get(Encoding.UTF8.GetBytes(chain[0]), out _));
        Assert.Equal(StoreStatus.Ok, table.Get(Encoding.UTF8.GetBytes(chain[3]), out StoreValue last));
        Assert.Equal(3, last.Signed);
    }

    [Fact]
    public void GetReturnsTheStoredValueAndCountsGets()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.Ok, table.Get("app/probe/count"u8, out StoreValue value));
        Assert.Equal(StoreType.Signed, value.Type);
        Assert.Equal(5, value.Signed);
        Assert.Equal(StoreStatus.Ok, table.Get("store/self/version"u8, out value));
        Assert.True(value.Text.SequenceEqual("1"u8));
        Assert.Equal(2UL, table.Gets);
    }

    [Fact]
    public void UnknownName()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.UnknownName, table.Get("app/probe/missing"u8, out _));
        Assert.Equal(StoreStatus.UnknownName, table.Set(Alice, "app/probe/missing"u8, StoreValue.FromSigned(1)));
        Assert.Equal(StoreStatus.UnknownName, table.Register(Alice, "app/nothing/x"u8, StoreValue.FromSigned(1), false));
        Assert.Equal(StoreStatus.UnknownName, table.RemoveObject(Alice, "app/nothing"u8));
        Assert.Equal(StoreStatus.UnknownName, table.Acquire(Alice, "store/self"u8)); // static entries have no object to reference
        Assert.Equal(0UL, table.Gets);
    }

    [Fact]
    public void WrongType()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.WrongType, table.Set(Alice, "app/probe/count"u8, StoreValue.FromUnsigned(5)));
        Assert.Equal(StoreStatus.WrongType, table.Set(Alice, "app/probe/open"u8, StoreValue.FromText("true"u8)));
        Assert.Equal(StoreStatus.WrongType, table.Register(Alice, "app/probe/none"u8, default, false));
        table.Get("app/probe/count"u8, out StoreValue value);
        Assert.Equal(5, value.Signed);
    }

    [Fact]
    public void ReadOnlyForOthersButNotForTheOwner()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.ReadOnly, table.Set(Bob, "app/probe/count"u8, StoreValue.FromSigned(6)));
        Assert.Equal(StoreStatus.Ok, table.Set(Alice, "app/probe/count"u8, StoreValue.FromSigned(6)));
        Assert.Equal(StoreStatus.Ok, table.Set(Bob, "app/probe/open"u8, StoreValue.FromBoolean(true)));
        Assert.Equal(StoreStatus.ReadOnly, table.Set(Alice, "store/self/version"u8, StoreValue.FromText("2"u8)));
    }

    [Fact]
    public void ComputedEntriesAreReadEveryTimeAndTheirSetterDecides()
    {
        StoreTable table = NewTable();
        var limited = new Limited();
        Assert.Equal(StoreStatus.Ok, table.RegisterStaticSource("sys/limits/max"u8, StoreType.Unsigned, limited, writable: true));
        Assert.Equal(StoreStatus.Ok, table.RegisterStaticSource("sys/limits/greeting"u8, StoreType.Text, new Greeting(), writable: false));
        limited.Value = 7;
        Assert.Equal(StoreStatus.Ok, table.Get("sys/limits/max"u8, out StoreValue value));
        Assert.Equal(7UL, value.Unsigned);
        Assert.Equal(StoreStatus.Rejected, table.Set(Bob, "sys/limits/max"u8, StoreValue.FromUnsigned(11)));
        Assert.Equal(StoreStatus.Ok, table.Set(Bob, "sys/limits/max"u8, StoreValue.FromUnsigned(9)));
        Assert.Equal(9UL, limited.Value);
        Assert.Equal(StoreStatus.ReadOnly, table.Set(0, "sys/limits/greeting"u8, StoreValue.FromText("yo"u8)));
        Assert.Equal(StoreStatus.Ok, table.Get("sys/limits/greeting"u8, out value));
        Assert.Equal("hi", Encoding.UTF8.GetString(value.Text));
        Assert.Equal(2, limited.Sets);
    }

    [Fact]
    public void ExistsForEntriesObjectsStaticObjectsAndPrefixes()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.Exists, table.CreateObject(Bob, "app/probe"u8));
        Assert.Equal(StoreStatus.Exists, table.CreateObject(Bob, "store/self"u8));
        Assert.Equal(StoreStatus.Exists, table.Register(Alice, "app/probe/count"u8, StoreValue.FromSigned(1), false));
        Assert.Equal(StoreStatus.Exists, table.RegisterStatic("store/self/version"u8, StoreValue.FromText("2"u8), false));
        Assert.Equal(StoreStatus.Exists, table.RegisterStatic("app/probe/static"u8, StoreValue.FromText("2"u8), false));
        Assert.Equal(StoreStatus.Ok, table.Subscribe(Bob, "app/"u8));
        Assert.Equal(StoreStatus.Exists, table.Subscribe(Bob, "app/"u8));
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Bob, "store/selfish"u8)); // a longer name is another object
    }

    [Fact]
    public void InUseUntilEveryReferenceIsReleased()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.Ok, table.Acquire(Bob, "app/probe"u8));
        Assert.Equal(StoreStatus.Ok, table.Acquire(Alice, "app/probe"u8));
        Assert.Equal(2, table.ReferencesOf("app/probe"u8));
        Assert.Equal(StoreStatus.InUse, table.RemoveObject(Alice, "app/probe"u8));
        Assert.Equal(StoreStatus.Ok, table.Release(Bob, "app/probe"u8));
        Assert.Equal(StoreStatus.InUse, table.RemoveObject(Alice, "app/probe"u8));
        Assert.Equal(StoreStatus.Ok, table.Release(Alice, "app/probe"u8));
        Assert.Equal(StoreStatus.Ok, table.RemoveObject(Alice, "app/probe"u8));
        Assert.Equal(-1, table.ReferencesOf("app/probe"u8));
        Assert.Equal(1, table.EntryCount);
    }

    [Fact]
    public void FullTables()
    {
        StoreTable table = NewTable(maxEntries: 3, maxObjects: 1, eventCapacity: 2);
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Alice, "a/b"u8));
        Assert.Equal(StoreStatus.Full, table.CreateObject(Alice, "a/c"u8));
        Assert.Equal(StoreStatus.Ok, table.Register(Alice, "a/b/one"u8, StoreValue.FromSigned(1), false));
        Assert.Equal(StoreStatus.Ok, table.Register(Alice, "a/b/two"u8, StoreValue.FromSigned(2), false));
        Assert.Equal(StoreStatus.Full, table.Register(Alice, "a/b/three"u8, StoreValue.FromSigned(3), false));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(StoreStatus.Ok, table.Subscribe(Bob, Encoding.UTF8.GetBytes("p" + i)));
        }

        Assert.Equal(StoreStatus.Full, table.Subscribe(Bob, "p4"u8));
    }

    [Fact]
    public void BadNames()
    {
        StoreTable table = WithProbe();
        foreach (string bad in new[] { "", "app", "app/probe", "App/probe/count", "app//count", "app/probe/", "/app/probe", "app/probe/count/x", "app/pro be/x", "app/probe/\u00e9", new string('a', 60) + "/b/c" })
        {
            byte[] name = Encoding.UTF8.GetBytes(bad);
            Assert.Equal(StoreStatus.BadName, table.Get(name, out _));
            Assert.Equal(StoreStatus.BadName, table.Set(Alice, name, StoreValue.FromSigned(1)));
            Assert.Equal(StoreStatus.BadName, table.Register(Alice, name, StoreValue.FromSigned(1), false));
        }

        foreach (string bad in new[] { "", "app", "app/probe/count", "app/", "App/probe" })
        {
            byte[] name = Encoding.UTF8.GetBytes(bad);
            Assert.Equal(StoreStatus.BadName, table.CreateObject(Alice, name));
            Assert.Equal(StoreStatus.BadName, table.RemoveObject(Alice, name));
            Assert.Equal(StoreStatus.BadName, table.Acquire(Alice, name));
            Assert.Equal(StoreStatus.BadName, table.Release(Alice, name));
        }

        Assert.Equal(StoreStatus.BadName, table.Subscribe(Alice, "App"u8));
        Assert.Equal(StoreStatus.BadName, table.List("app "u8, default, out _, out _, out _));
        Assert.Equal(StoreStatus.BadName, table.List(default, Encoding.UTF8.GetBytes(new string('a', 64)), out _, out _, out _));
        // Exactly 63 bytes is a name.
        Assert.True(StoreNames.IsEntryName(Encoding.UTF8.GetBytes(new string('a', 59) + "/b/c")));
    }

    [Fact]
    public void NotOwner()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.NotOwner, table.Register(Bob, "app/probe/extra"u8, StoreValue.FromSigned(1), false));
        Assert.Equal(StoreStatus.NotOwner, table.RemoveObject(Bob, "app/probe"u8));
        Assert.Equal(StoreStatus.NotOwner, table.Release(Bob, "app/probe"u8)); // holds no reference
        Assert.Equal(StoreStatus.NotOwner, table.CreateObject(4, "app/other"u8)); // no such client
    }

    [Fact]
    public void TooLong()
    {
        StoreTable table = WithProbe();
        byte[] max = new byte[128];
        max.AsSpan().Fill((byte)'x');
        Assert.Equal(StoreStatus.Ok, table.Register(Alice, "app/probe/text"u8, StoreValue.FromText(max), false));
        Assert.Equal(StoreStatus.TooLong, table.Set(Alice, "app/probe/text"u8, StoreValue.FromText(new byte[129])));
        Assert.Equal(StoreStatus.TooLong, table.Register(Alice, "app/probe/long"u8, StoreValue.FromText(new byte[129]), false));
        Assert.Equal(StoreStatus.Ok, table.Get("app/probe/text"u8, out StoreValue value));
        Assert.Equal(128, value.Text.Length);
    }

    [Fact]
    public void ListingPagesThroughAPrefixInNameOrder()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.Ok, table.Register(Alice, "app/probe/alpha"u8, StoreValue.FromSigned(1), false));
        string after = "";
        var seen = new System.Collections.Generic.List<string>();
        while (true)
        {
            Assert.Equal(StoreStatus.Ok, table.List("app/"u8, Encoding.UTF8.GetBytes(after), out bool found, out ReadOnlySpan<byte> name, out _));
            if (!found)
            {
                break;
            }

            after = Encoding.UTF8.GetString(name);
            seen.Add(after);
        }

        Assert.Equal(new[] { "app/probe/alpha", "app/probe/count", "app/probe/open" }, seen);
    }

    [Fact]
    public void EventsAreQueuedPerSubscriberAndDroppedWhenFull()
    {
        StoreTable table = NewTable(eventCapacity: 2);
        Assert.Equal(StoreStatus.Ok, table.Subscribe(Bob, "app/"u8));
        Assert.Equal(StoreStatus.Ok, table.Subscribe(Alice, "other/"u8));
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Alice, "app/probe"u8));
        Assert.Equal(StoreStatus.Ok, table.Register(Alice, "app/probe/count"u8, StoreValue.FromSigned(5), false));
        Assert.Equal(StoreStatus.Ok, table.Set(Alice, "app/probe/count"u8, StoreValue.FromSigned(6))); // dropped: Bob's queue holds 2

        Assert.True(table.TryPollEvent(Bob, out StoreEventKind kind, out ReadOnlySpan<byte> name, out StoreValue value, out int pending, out ulong dropped));
        Assert.Equal((StoreEventKind.Created, "app/probe", 1, 1UL), (kind, Encoding.UTF8.GetString(name), pending, dropped));
        Assert.True(table.TryPollEvent(Bob, out kind, out name, out value, out pending, out dropped));
        Assert.Equal((StoreEventKind.Added, "app/probe/count", 5L, 0), (kind, Encoding.UTF8.GetString(name), value.Signed, pending));
        Assert.False(table.TryPollEvent(Bob, out _, out _, out _, out _, out dropped));
        Assert.Equal(1UL, dropped);
        Assert.False(table.TryPollEvent(Alice, out _, out _, out _, out _, out _));
    }

    [Fact]
    public void TheEventLimitBoundsEachQueue()
    {
        StoreTable table = NewTable(eventCapacity: 8);
        Assert.False(table.TrySetEventLimit(0));
        Assert.False(table.TrySetEventLimit(9));
        Assert.True(table.TrySetEventLimit(1));
        Assert.Equal(StoreStatus.Ok, table.Subscribe(Bob, ""u8));
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Alice, "app/a"u8));
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Alice, "app/b"u8));
        Assert.True(table.TryPollEvent(Bob, out _, out ReadOnlySpan<byte> name, out _, out int pending, out ulong dropped));
        Assert.Equal(("app/a", 0, 1UL), (Encoding.UTF8.GetString(name), pending, dropped));
    }

    [Fact]
    public void ADroppedClientLeavesNoObjectsReferencesOrSubscriptions()
    {
        StoreTable table = WithProbe();
        Assert.Equal(StoreStatus.Ok, table.CreateObject(Bob, "bob/thing"u8));
        Assert.Equal(StoreStatus.Ok, table.Acquire(Alice, "bob/thing"u8));
        Assert.Equal(StoreStatus.Ok, table.Acquire(Bob, "app/probe"u8));
        Assert.Equal(StoreStatus.Ok, table.Subscribe(Alice, "app/"u8));
        Assert.Equal(StoreStatus.Ok, table.Subscribe(Bob, "bob/"u8));

        table.DropClient(Bob);

        Assert.Equal(-1, table.ReferencesOf("bob/thing"u8)); // removed although Alice referenced it: its owner is gone
        Assert.Equal(0, table.ReferencesOf("app/probe"u8)); // Bob's reference went with him
        Assert.Equal(StoreStatus.Ok, table.RemoveObject(Alice, "app/probe"u8));
        Assert.False(table.TryPollEvent(Bob, out _, out _, out _, out _, out _));
        Assert.Equal(StoreStatus.Ok, table.Subscribe(Bob, "bob/"u8)); // the old subscription is gone
        Assert.True(table.TryPollEvent(Alice, out StoreEventKind kind, out ReadOnlySpan<byte> name, out _, out _, out _));
        Assert.Equal((StoreEventKind.Removed, "app/probe/count"), (kind, Encoding.UTF8.GetString(name)));
    }

    [Fact]
    public void SelfEntriesReportTheTableAndTheEventLimitRejectsBadValues()
    {
        var table = new StoreTable(32, 4, 3, 8);
        Assert.True(StoreSelfEntries.Register(table, new Limited { Value = 2 }, uptime: null));
        Assert.Equal(StoreStatus.Ok, table.Get("store/self/clients"u8, out StoreValue value));
        Assert.Equal(2UL, value.Unsigned);
        Assert.Equal(StoreStatus.Ok, table.Get("store/self/entries"u8, out value));
        Assert.Equal(6UL, value.Unsigned);
        Assert.Equal(StoreStatus.Ok, table.Get("store/self/gets"u8, out value));
        Assert.Equal(2UL, value.Unsigned);
        Assert.Equal(StoreStatus.Rejected, table.Set(Bob, "store/self/event-limit"u8, StoreValue.FromUnsigned(0)));
        Assert.Equal(StoreStatus.Rejected, table.Set(Bob, "store/self/event-limit"u8, StoreValue.FromUnsigned(9)));
        Assert.Equal(StoreStatus.Ok, table.Set(Bob, "store/self/event-limit"u8, StoreValue.FromUnsigned(3)));
        Assert.Equal(3, table.EventLimit);
        Assert.Equal(StoreStatus.ReadOnly, table.Set(0, "store/self/gets"u8, StoreValue.FromUnsigned(0)));
        Assert.Equal(StoreStatus.UnknownName, table.Get("kernel/clock/uptime-ns"u8, out _));
    }
}
