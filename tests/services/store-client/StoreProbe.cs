using System;
using System.Runtime.InteropServices;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.StoreProbing;

/// <summary>Exercises the store over IPC as an ordinary client would: creates the object
/// <c>store-client/probe</c> with three entries, reads and sets them, provokes each error a
/// client can meet, subscribes and sees the change and the removal as events, and lists a
/// prefix. Returns the number of checks passed, or minus the number of the first failed one.</summary>
internal static unsafe class StoreProbe
{
    private static int s_passed;
    private static int s_failed;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.TryFindChannel("store"u8, out ChannelGrant channel) || channel.IsServer)
        {
            SystemCall.Log("no channel to the store"u8);
            return -1000;
        }
        StoreCalls<KernelWaiter> store = ContractCalls.Store(in channel);
        Run(store);
        if (s_failed != 0)
        {
            Report("check failed: "u8, s_failed);
            return -s_failed;
        }
        Report("checks passed: "u8, s_passed);
        return s_passed;
    }

    // Every check reads a reply before the next call: a reply's name and text point into
    // the reply ring, which the next call reuses.
    private static void Run(StoreCalls<KernelWaiter> store)
    {
        // 1-2: a static entry of the store itself.
        Check(Get(store, "store/self/version"u8, out StoreGetReply version) == StoreStatus.Ok);
        Check(version.Value.Type == StoreType.Text && version.Value.Text.SequenceEqual("1"u8));

        // 3-7: a dynamic object and its entries.
        Check(CreateObject(store, "store-client/probe"u8) == StoreStatus.Ok);
        Check(CreateObject(store, "store-client/probe"u8) == StoreStatus.Exists);
        Check(Register(store, "store-client/probe/count"u8, StoreValues.Signed(5), writable: false) == StoreStatus.Ok);
        Check(Register(store, "store-client/probe/label"u8, StoreValues.Text("probe"u8), writable: true) == StoreStatus.Ok);
        Check(Register(store, "store-client/probe/enabled"u8, StoreValues.Boolean(true), writable: false) == StoreStatus.Ok);

        // 8: events from here on.
        Check(Status(store.Subscribe(new StoreNameRequest { Name = "store-client/"u8 }, out StoreStatusReply subscribed), subscribed.Status) == StoreStatus.Ok);

        // 9-14: reads and sets.
        Check(Get(store, "store-client/probe/count"u8, out StoreGetReply count) == StoreStatus.Ok && count.Value.Type == StoreType.Signed && count.Value.Signed == 5);
        Check(Set(store, "store-client/probe/count"u8, StoreValues.Signed(-7)) == StoreStatus.Ok);
        Check(Get(store, "store-client/probe/count"u8, out count) == StoreStatus.Ok && count.Value.Signed == -7);
        Check(Get(store, "store-client/probe/enabled"u8, out StoreGetReply enabled) == StoreStatus.Ok && enabled.Value.Type == StoreType.Boolean && enabled.Value.Boolean);
        Check(Get(store, "store-client/probe/label"u8, out StoreGetReply label) == StoreStatus.Ok
            && label.Value.Type == StoreType.Text && label.Value.Text.SequenceEqual("probe"u8));
        Check(Get(store, "store/self/entries"u8, out StoreGetReply entries) == StoreStatus.Ok && entries.Value.Type == StoreType.Unsigned && entries.Value.Unsigned >= 10);

        // 15-20: every error a client can provoke.
        Check(Set(store, "store-client/probe/count"u8, StoreValues.Unsigned(1)) == StoreStatus.WrongType);
        Check(Get(store, "store-client/probe/missing"u8, out _) == StoreStatus.UnknownName);
        Check(Set(store, "store/self/version"u8, StoreValues.Text("2"u8)) == StoreStatus.ReadOnly);
        Check(Set(store, "store/self/event-limit"u8, StoreValues.Unsigned(0)) == StoreStatus.Rejected);
        Check(Get(store, "Store/Self"u8, out _) == StoreStatus.BadName);
        Check(Status(store.RemoveObject(new StoreNameRequest { Name = "store/self"u8 }, out StoreStatusReply removed), removed.Status) == StoreStatus.UnknownName);

        // 21-24: references keep an object alive.
        Check(Status(store.Acquire(new StoreNameRequest { Name = "store-client/probe"u8 }, out StoreStatusReply acquired), acquired.Status) == StoreStatus.Ok);
        Check(Status(store.RemoveObject(new StoreNameRequest { Name = "store-client/probe"u8 }, out removed), removed.Status) == StoreStatus.InUse);
        Check(Status(store.Release(new StoreNameRequest { Name = "store-client/probe"u8 }, out StoreStatusReply released), released.Status) == StoreStatus.Ok);
        Check(Status(store.Release(new StoreNameRequest { Name = "store-client/probe"u8 }, out released), released.Status) == StoreStatus.NotOwner);

        // 25-28: a prefix listing, one name per call, in name order (the cursor is copied
        // out of the reply, which the next call reuses).
        byte* cursorBuffer = stackalloc byte[64];
        var cursor = new Span<byte>(cursorBuffer, 64);
        Check(List(store, default, cursor, out int length, out StoreType type, out bool found) == StoreStatus.Ok
            && found && type == StoreType.Signed && cursor.Slice(0, length).SequenceEqual("store-client/probe/count"u8));
        Check(List(store, cursor.Slice(0, length), cursor, out length, out type, out found) == StoreStatus.Ok
            && found && type == StoreType.Boolean && cursor.Slice(0, length).SequenceEqual("store-client/probe/enabled"u8));
        Check(List(store, cursor.Slice(0, length), cursor, out length, out type, out found) == StoreStatus.Ok
            && found && type == StoreType.Text && cursor.Slice(0, length).SequenceEqual("store-client/probe/label"u8));
        Check(List(store, cursor.Slice(0, length), cursor, out length, out type, out found) == StoreStatus.Ok && !found);

        // 29: the set made the one event so far (the failed set made none).
        Check(PollEvent(store, out StoreEventReply changed) == StoreStatus.Ok
            && changed.Found && changed.Kind == StoreEventKind.Changed && changed.Name.SequenceEqual("store-client/probe/count"u8)
            && changed.Value.Type == StoreType.Signed && changed.Value.Signed == -7 && changed.Pending == 0 && changed.Dropped == 0);

        // 30-35: the object goes, and its entries and itself are reported removed, in name order.
        Check(Status(store.RemoveObject(new StoreNameRequest { Name = "store-client/probe"u8 }, out removed), removed.Status) == StoreStatus.Ok);
        Check(NextRemoved(store, "store-client/probe/count"u8, 3));
        Check(NextRemoved(store, "store-client/probe/enabled"u8, 2));
        Check(NextRemoved(store, "store-client/probe/label"u8, 1));
        Check(NextRemoved(store, "store-client/probe"u8, 0));
        Check(PollEvent(store, out changed) == StoreStatus.Ok && !changed.Found);

        // 36-38: gone for everyone; the store counted the successful gets before this one; the clock runs.
        Check(Get(store, "store-client/probe/count"u8, out _) == StoreStatus.UnknownName);
        Check(Get(store, "store/self/gets"u8, out StoreGetReply gets) == StoreStatus.Ok && gets.Value.Unsigned == 6); // version, count twice, enabled, label, entries
        Check(Get(store, "kernel/clock/uptime-ns"u8, out StoreGetReply uptime) == StoreStatus.Ok && uptime.Value.Type == StoreType.Unsigned && uptime.Value.Unsigned > 0);

        // 39-41: the kernel's figures, live: memory, processes (this client and the store at least), read-only.
        Check(Get(store, "kernel/memory/total-kib"u8, out StoreGetReply total) == StoreStatus.Ok
            && Get(store, "kernel/memory/free-kib"u8, out StoreGetReply free) == StoreStatus.Ok
            && free.Value.Unsigned > 0 && free.Value.Unsigned < total.Value.Unsigned);
        Check(Get(store, "kernel/proc/live"u8, out StoreGetReply live) == StoreStatus.Ok && live.Value.Unsigned >= 2);
        Check(Set(store, "kernel/memory/free-kib"u8, StoreValues.Unsigned(1)) == StoreStatus.ReadOnly);

        // 42-43: per-service figures: the store itself runs; this client has started once.
        Check(Get(store, "services/store/state"u8, out StoreGetReply state) == StoreStatus.Ok && state.Value.Type == StoreType.Text
            && state.Value.Text.SequenceEqual("running"u8));
        Check(Get(store, "services/store-client/starts"u8, out StoreGetReply starts) == StoreStatus.Ok && starts.Value.Unsigned >= 1);

        // 44: the store counts its clients as it starts and stops serving them: this one.
        Check(Get(store, "store/self/clients"u8, out StoreGetReply clients) == StoreStatus.Ok && clients.Value.Unsigned == 1);
    }

    private static bool NextRemoved(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> expected, uint expectedPending) =>
        PollEvent(store, out StoreEventReply removed) == StoreStatus.Ok
            && removed.Found && removed.Kind == StoreEventKind.Removed && removed.Name.SequenceEqual(expected)
            && removed.Value.Type == StoreType.None && removed.Pending == expectedPending;

    private static StoreStatus Get(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> name, out StoreGetReply reply) =>
        Status(store.Get(new StoreNameRequest { Name = name }, out reply), reply.Status);

    private static StoreStatus Set(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> name, StoreWireValue value) =>
        Status(store.Set(new StoreSetRequest { Name = name, Value = value }, out StoreStatusReply reply), reply.Status);

    private static StoreStatus CreateObject(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> name) =>
        Status(store.CreateObject(new StoreNameRequest { Name = name }, out StoreStatusReply reply), reply.Status);

    private static StoreStatus Register(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> name, StoreWireValue value, bool writable) =>
        Status(store.Register(new StoreRegisterRequest { Name = name, Value = value, Writable = writable }, out StoreStatusReply reply), reply.Status);

    private static StoreStatus PollEvent(StoreCalls<KernelWaiter> store, out StoreEventReply reply) =>
        Status(store.PollEvents(new StorePollRequest(), out reply), reply.Status);

    /// <summary>The next name under store-client/ after <paramref name="after"/>, copied into <paramref name="name"/>.</summary>
    private static StoreStatus List(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> after, Span<byte> name, out int length, out StoreType type, out bool found)
    {
        StoreStatus status = Status(store.List(new StoreListRequest { Prefix = "store-client/"u8, After = after }, out StoreListReply reply), reply.Status);
        length = Math.Min(reply.Name.Length, name.Length);
        reply.Name.Slice(0, length).CopyTo(name);
        type = reply.Type;
        found = reply.Found;
        return status;
    }

    /// <summary>A call's outcome: the reply's status, or Unavailable when there was no reply.</summary>
    private static StoreStatus Status(bool answered, StoreStatus status) => answered ? status : StoreStatus.Unavailable;

    private static void Check(bool passed)
    {
        if (passed)
        {
            s_passed++;
        }
        else if (s_failed == 0)
        {
            s_failed = s_passed + 1;
        }
    }

    private static void Report(ReadOnlySpan<byte> text, int number)
    {
        byte* line = stackalloc byte[96];
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            line[n++] = text[i];
        }

        byte* digits = stackalloc byte[12];
        int d = 0;
        uint value = (uint)number;
        do { digits[d++] = (byte)('0' + value % 10); value /= 10; } while (value != 0);
        while (d > 0)
        {
            line[n++] = digits[--d];
        }

        SystemCall.Log(new ReadOnlySpan<byte>(line, n));
    }
}
