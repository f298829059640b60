using System;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>The entries the store publishes about itself (static, owned by the store):
/// <c>store/self/version</c> (Text), <c>store/self/clients</c>, <c>store/self/entries</c>,
/// <c>store/self/objects</c>, <c>store/self/gets</c> (Unsigned, read-only, computed) and
/// <c>store/self/event-limit</c> (Unsigned, writable: events queued per client, 1 up to
/// the table's capacity; other values are rejected). The service adds
/// <c>kernel/clock/uptime-ns</c> from the clock system call.</summary>
public static class StoreSelfEntries
{
    /// <summary>The value of <c>store/self/version</c>: the contract's version.</summary>
    public static ReadOnlySpan<byte> Version => "1"u8;

    /// <summary>Registers the entries; <paramref name="clients"/> answers
    /// <c>store/self/clients</c> and <paramref name="uptime"/>, if not null,
    /// <c>kernel/clock/uptime-ns</c>. False if any registration failed.</summary>
    public static bool Register(StoreTable table, IStoreEntrySource clients, IStoreEntrySource? uptime)
    {
        bool ok = table.RegisterStatic("store/self/version"u8, StoreValue.FromText(Version), writable: false) == StoreStatus.Ok;
        ok &= table.RegisterStaticSource("store/self/clients"u8, StoreType.Unsigned, clients, writable: false) == StoreStatus.Ok;
        ok &= table.RegisterStaticSource("store/self/entries"u8, StoreType.Unsigned, new Counter(table, Counter.Entries), writable: false) == StoreStatus.Ok;
        ok &= table.RegisterStaticSource("store/self/objects"u8, StoreType.Unsigned, new Counter(table, Counter.Objects), writable: false) == StoreStatus.Ok;
        ok &= table.RegisterStaticSource("store/self/gets"u8, StoreType.Unsigned, new Counter(table, Counter.Gets), writable: false) == StoreStatus.Ok;
        ok &= table.RegisterStaticSource("store/self/event-limit"u8, StoreType.Unsigned, new Counter(table, Counter.EventLimit), writable: true) == StoreStatus.Ok;
        if (uptime != null)
        {
            ok &= table.RegisterStaticSource("kernel/clock/uptime-ns"u8, StoreType.Unsigned, uptime, writable: false) == StoreStatus.Ok;
        }

        return ok;
    }

    /// <summary>One of the table's own figures; only the event limit can be set.</summary>
    private sealed class Counter : IStoreEntrySource
    {
        internal const int Entries = 0, Objects = 1, Gets = 2, EventLimit = 3;
        private readonly StoreTable _table;
        private readonly int _which;

        internal Counter(StoreTable table, int which)
        {
            _table = table;
            _which = which;
        }

        public StoreValue Get(Span<byte> text)
        {
            switch (_which)
            {
                case Entries: return StoreValue.FromUnsigned((ulong)_table.EntryCount);
                case Objects: return StoreValue.FromUnsigned((ulong)_table.ObjectCount);
                case Gets: return StoreValue.FromUnsigned(_table.Gets);
                default: return StoreValue.FromUnsigned((ulong)_table.EventLimit);
            }
        }

        public bool TrySet(in StoreValue value) => _which == EventLimit && _table.TrySetEventLimit(value.Unsigned);
    }
}
