using System;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;
using System.Runtime.InteropServices;

namespace Microkernel.Services.StoreProbing
{
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
            StoreCalls store = new StoreCalls(in channel);
            Run(store);
            if (s_failed != 0)
            {
                Report("check failed: "u8, s_failed);
                return -s_failed;
            }
            Report("checks passed: "u8, s_passed);
            return s_passed;
        }

        private static void Run(StoreCalls store)
        {
            byte* textBuffer = stackalloc byte[128];
            Span<byte> text = new Span<byte>(textBuffer, 128);
            byte* nameBuffer = stackalloc byte[64];
            Span<byte> name = new Span<byte>(nameBuffer, 64);

            // 1-2: a static entry of the store itself.
            Check(store.Get("store/self/version"u8, out StoreReading version, text) == StoreStatus.Ok);
            Check(version.Type == StoreType.Text && text.Slice(0, version.TextLength).SequenceEqual("1"u8));

            // 3-7: a dynamic object and its entries.
            Check(store.CreateObject("store-client/probe"u8) == StoreStatus.Ok);
            Check(store.CreateObject("store-client/probe"u8) == StoreStatus.Exists);
            Check(store.Register("store-client/probe/count"u8, StoreCalls.Signed(5), writable: false) == StoreStatus.Ok);
            Check(store.Register("store-client/probe/label"u8, StoreCalls.Text("probe"u8), writable: true) == StoreStatus.Ok);
            Check(store.Register("store-client/probe/enabled"u8, StoreCalls.Boolean(true), writable: false) == StoreStatus.Ok);

            // 8: events from here on.
            Check(store.Subscribe("store-client/"u8) == StoreStatus.Ok);

            // 9-14: reads and sets.
            Check(store.Get("store-client/probe/count"u8, out StoreReading count, text) == StoreStatus.Ok && count.Type == StoreType.Signed && count.Signed == 5);
            Check(store.Set("store-client/probe/count"u8, StoreCalls.Signed(-7)) == StoreStatus.Ok);
            Check(store.Get("store-client/probe/count"u8, out count, text) == StoreStatus.Ok && count.Signed == -7);
            Check(store.Get("store-client/probe/enabled"u8, out StoreReading enabled, text) == StoreStatus.Ok && enabled.Type == StoreType.Boolean && enabled.Boolean);
            Check(store.Get("store-client/probe/label"u8, out StoreReading label, text) == StoreStatus.Ok
                && label.Type == StoreType.Text && text.Slice(0, label.TextLength).SequenceEqual("probe"u8));
            Check(store.Get("store/self/entries"u8, out StoreReading entries, text) == StoreStatus.Ok && entries.Type == StoreType.Unsigned && entries.Unsigned >= 10);

            // 15-20: every error a client can provoke.
            Check(store.Set("store-client/probe/count"u8, StoreCalls.Unsigned(1)) == StoreStatus.WrongType);
            Check(store.Get("store-client/probe/missing"u8, out _, text) == StoreStatus.UnknownName);
            Check(store.Set("store/self/version"u8, StoreCalls.Text("2"u8)) == StoreStatus.ReadOnly);
            Check(store.Set("store/self/event-limit"u8, StoreCalls.Unsigned(0)) == StoreStatus.Rejected);
            Check(store.Get("Store/Self"u8, out _, text) == StoreStatus.BadName);
            Check(store.RemoveObject("store/self"u8) == StoreStatus.UnknownName);

            // 21-24: references keep an object alive.
            Check(store.Acquire("store-client/probe"u8) == StoreStatus.Ok);
            Check(store.RemoveObject("store-client/probe"u8) == StoreStatus.InUse);
            Check(store.Release("store-client/probe"u8) == StoreStatus.Ok);
            Check(store.Release("store-client/probe"u8) == StoreStatus.NotOwner);

            // 25-28: a prefix listing, one name per call, in name order.
            Check(store.List("store-client/"u8, default, name, out int length, out StoreType type, out bool found) == StoreStatus.Ok
                && found && type == StoreType.Signed && name.Slice(0, length).SequenceEqual("store-client/probe/count"u8));
            Check(store.List("store-client/"u8, name.Slice(0, length), name, out length, out type, out found) == StoreStatus.Ok
                && found && type == StoreType.Boolean && name.Slice(0, length).SequenceEqual("store-client/probe/enabled"u8));
            Check(store.List("store-client/"u8, name.Slice(0, length), name, out length, out type, out found) == StoreStatus.Ok
                && found && type == StoreType.Text && name.Slice(0, length).SequenceEqual("store-client/probe/label"u8));
            Check(store.List("store-client/"u8, name.Slice(0, length), name, out length, out type, out found) == StoreStatus.Ok && !found);

            // 29: the set made the one event so far (the failed set made none).
            Check(store.PollEvent(out StoreEventKind kind, name, out length, out StoreReading changed, text, out uint pending, out ulong dropped, out found) == StoreStatus.Ok
                && found && kind == StoreEventKind.Changed && name.Slice(0, length).SequenceEqual("store-client/probe/count"u8)
                && changed.Type == StoreType.Signed && changed.Signed == -7 && pending == 0 && dropped == 0);

            // 30-35: the object goes, and its entries and itself are reported removed, in name order.
            Check(store.RemoveObject("store-client/probe"u8) == StoreStatus.Ok);
            Check(NextRemoved(store, name, "store-client/probe/count"u8, 3));
            Check(NextRemoved(store, name, "store-client/probe/enabled"u8, 2));
            Check(NextRemoved(store, name, "store-client/probe/label"u8, 1));
            Check(NextRemoved(store, name, "store-client/probe"u8, 0));
            Check(store.PollEvent(out kind, name, out length, out _, text, out pending, out dropped, out found) == StoreStatus.Ok && !found);

            // 36-38: gone for everyone; the store counted the successful gets before this one; the clock runs.
            Check(store.Get("store-client/probe/count"u8, out _, text) == StoreStatus.UnknownName);
            Check(store.Get("store/self/gets"u8, out StoreReading gets, text) == StoreStatus.Ok && gets.Unsigned == 6); // version, count twice, enabled, label, entries
            Check(store.Get("kernel/clock/uptime-ns"u8, out StoreReading uptime, text) == StoreStatus.Ok && uptime.Type == StoreType.Unsigned && uptime.Unsigned > 0);

            // 39-41: the kernel's figures, live: memory, processes (this client and the store at least), read-only.
            Check(store.Get("kernel/memory/total-kib"u8, out StoreReading total, text) == StoreStatus.Ok
                && store.Get("kernel/memory/free-kib"u8, out StoreReading free, text) == StoreStatus.Ok
                && free.Unsigned > 0 && free.Unsigned < total.Unsigned);
            Check(store.Get("kernel/proc/live"u8, out StoreReading live, text) == StoreStatus.Ok && live.Unsigned >= 2);
            Check(store.Set("kernel/memory/free-kib"u8, StoreCalls.Unsigned(1)) == StoreStatus.ReadOnly);

            // 42-43: per-service figures: the store itself runs; this client has started once.
            Check(store.Get("services/store/state"u8, out StoreReading state, text) == StoreStatus.Ok && state.Type == StoreType.Text
                && text.Slice(0, state.TextLength).SequenceEqual("running"u8));
            Check(store.Get("services/store-client/starts"u8, out StoreReading starts, text) == StoreStatus.Ok && starts.Unsigned >= 1);

            // 44: the store counts its clients as it starts and stops serving them: this one.
            Check(store.Get("store/self/clients"u8, out StoreReading clients, text) == StoreStatus.Ok && clients.Unsigned == 1);
        }

        private static bool NextRemoved(StoreCalls store, Span<byte> name, ReadOnlySpan<byte> expected, uint expectedPending)
        {
            Span<byte> text = stackalloc byte[8];
            return store.PollEvent(out StoreEventKind kind, name, out int length, out StoreReading value, text, out uint pending, out _, out bool found) == StoreStatus.Ok
                && found && kind == StoreEventKind.Removed && name.Slice(0, length).SequenceEqual(expected)
                && value.Type == StoreType.None && pending == expectedPending;
        }

        private static void Check(bool passed)
        {
            if (passed) s_passed++;
            else if (s_failed == 0) s_failed = s_passed + 1;
        }

        private static void Report(ReadOnlySpan<byte> text, int number)
        {
            byte* line = stackalloc byte[96];
            int n = 0;
            for (int i = 0; i < text.Length; i++) line[n++] = text[i];
            byte* digits = stackalloc byte[12];
            int d = 0;
            uint value = (uint)number;
            do { digits[d++] = (byte)('0' + value % 10); value /= 10; } while (value != 0);
            while (d > 0) line[n++] = digits[--d];
            SystemCall.Log(new ReadOnlySpan<byte>(line, n));
        }
    }
}
