using System;
using System.Collections.Generic;
using System.Linq;
using Microkernel.Services.Contracts;

namespace Microkernel.Store.Tests;

/// <summary>A value as the model keeps it: type, integer bits, text.</summary>
public sealed record ModelValue(StoreType Type, ulong Bits, byte[] Text)
{
    public static readonly ModelValue None = new(StoreType.None, 0, Array.Empty<byte>());

    public bool SameAs(ModelValue other) => Type == other.Type && Bits == other.Bits && Text.AsSpan().SequenceEqual(other.Text);

    public override string ToString() => Type == StoreType.Text ? $"Text(\"{System.Text.Encoding.UTF8.GetString(Text)}\")" : $"{Type}({Bits})";
}

/// <summary>An event as the model expects it.</summary>
public sealed record ModelEvent(StoreEventKind Kind, string Name, ModelValue Value);

/// <summary>
/// The store's rules written the obvious way, with dictionaries and lists: what every
/// operation returns (checked in the same order as the rules are documented) and which
/// events it queues for whom. <see cref="StoreModelProperties"/> runs it beside StoreTable.
/// </summary>
public sealed class StoreModel
{
    private sealed class Entry
    {
        public required StoreType Type;
        public ModelValue Value = ModelValue.None;
        public int Owner;
        public string? Object;
        public bool Writable;
        /// <summary>Computed entry: "even" (writable, refuses odd values) or "fixed" (read-only).</summary>
        public string? Source;
        /// <summary>The owner's range (Signed/Unsigned entries), either side open.</summary>
        public long? Low, High;
    }

    /// <summary>True when <paramref name="value"/> is within [low, high] in its type's order.</summary>
    private static bool Within(ModelValue value, long? low, long? high)
    {
        if (value.Type == StoreType.Signed)
        {
            return (low == null || (long)value.Bits >= low) && (high == null || (long)value.Bits <= high);
        }

        if (value.Type == StoreType.Unsigned)
        {
            return (low == null || value.Bits >= (ulong)low) && (high == null || value.Bits <= (ulong)high);
        }

        return true;
    }

    private sealed class Obj
    {
        public int Owner;
        public readonly Dictionary<int, int> Held = new();
        public int References => Held.Values.Sum();
    }

    private sealed class Subscriber
    {
        public readonly List<string> Prefixes = new();
        public readonly Queue<ModelEvent> Queue = new();
        public ulong Dropped;
    }

    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Obj> _objects = new(StringComparer.Ordinal);
    private readonly Subscriber[] _subscribers;
    private readonly int _maxEntries, _maxObjects, _eventCapacity;

    public StoreModel(int maxEntries, int maxObjects, int maxClients, int eventCapacity)
    {
        _maxEntries = maxEntries;
        _maxObjects = maxObjects;
        _eventCapacity = eventCapacity;
        _subscribers = Enumerable.Range(0, maxClients + 1).Select(_ => new Subscriber()).ToArray();
    }

    public ulong Gets { get; private set; }

    public int EntryCount => _entries.Count;

    public int ObjectCount => _objects.Count;

    public static bool IsSegment(string s) => s.Length > 0 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    public static bool IsName(string name, int segments) =>
        name.Length is > 0 and <= 63 && name.Split('/') is var parts && parts.Length == segments && parts.All(IsSegment);

    public static bool IsPrefix(string prefix) =>
        prefix.Length <= 63 && prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '/');

    private static string ObjectOf(string entry) => entry.Substring(0, entry.LastIndexOf('/'));

    private static bool ValidType(StoreType t) => t is StoreType.Signed or StoreType.Unsigned or StoreType.Text or StoreType.Boolean;

    public void AddStatic(string name, ModelValue value, bool writable, string? source = null) =>
        _entries.Add(name, new Entry { Type = value.Type, Value = value, Owner = 0, Object = null, Writable = writable, Source = source });

    public StoreStatus CreateObject(int client, string name)
    {
        if (!IsName(name, 2))
        {
            return StoreStatus.BadName;
        }

        if (_objects.ContainsKey(name) || _entries.Keys.Any(e => _entries[e].Object == null && e.StartsWith(name + "/", StringComparison.Ordinal)))
        {
            return StoreStatus.Exists;
        }

        if (_objects.Count == _maxObjects)
        {
            return StoreStatus.Full;
        }

        _objects.Add(name, new Obj { Owner = client });
        Emit(StoreEventKind.Created, name, ModelValue.None);
        return StoreStatus.Ok;
    }

    public StoreStatus RemoveObject(int client, string name)
    {
        if (!IsName(name, 2))
        {
            return StoreStatus.BadName;
        }

        if (!_objects.TryGetValue(name, out Obj? obj))
        {
            return StoreStatus.UnknownName;
        }

        if (obj.Owner != client)
        {
            return StoreStatus.NotOwner;
        }

        if (obj.References > 0)
        {
            return StoreStatus.InUse;
        }

        Remove(name);
        return StoreStatus.Ok;
    }

    private void Remove(string objectName)
    {
        foreach (string entry in _entries.Where(e => e.Value.Object == objectName).Select(e => e.Key).ToList())
        {
            _entries.Remove(entry);
            Emit(StoreEventKind.Removed, entry, ModelValue.None);
        }

        _objects.Remove(objectName);
        Emit(StoreEventKind.Removed, objectName, ModelValue.None);
    }

    public StoreStatus Acquire(int client, string name)
    {
        if (!IsName(name, 2))
        {
            return StoreStatus.BadName;
        }

        if (!_objects.TryGetValue(name, out Obj? obj))
        {
            return StoreStatus.UnknownName;
        }

        obj.Held[client] = obj.Held.GetValueOrDefault(client) + 1;
        return StoreStatus.Ok;
    }

    public StoreStatus Release(int client, string name)
    {
        if (!IsName(name, 2))
        {
            return StoreStatus.BadName;
        }

        if (!_objects.TryGetValue(name, out Obj? obj))
        {
            return StoreStatus.UnknownName;
        }

        if (obj.Held.GetValueOrDefault(client) == 0)
        {
            return StoreStatus.NotOwner;
        }

        obj.Held[client]--;
        return StoreStatus.Ok;
    }

    public int ReferencesOf(string name) => _objects.TryGetValue(name, out Obj? obj) ? obj.References : -1;

    public StoreStatus Register(int client, string name, ModelValue value, bool writable, long? low = null, long? high = null)
    {
        if (!IsName(name, 3))
        {
            return StoreStatus.BadName;
        }

        if (!ValidType(value.Type))
        {
            return StoreStatus.WrongType;
        }

        if (value.Type == StoreType.Text && value.Text.Length > 128)
        {
            return StoreStatus.TooLong;
        }

        bool bounded = low != null || high != null;
        if (bounded && value.Type != StoreType.Signed && value.Type != StoreType.Unsigned)
        {
            return StoreStatus.WrongType;
        }

        bool ordered = low == null || high == null
            || (value.Type == StoreType.Signed ? low <= high : (ulong)low.Value <= (ulong)high.Value);
        if (!ordered || !Within(value, low, high))
        {
            return StoreStatus.Rejected;
        }

        if (!_objects.TryGetValue(ObjectOf(name), out Obj? obj))
        {
            return StoreStatus.UnknownName;
        }

        if (obj.Owner != client)
        {
            return StoreStatus.NotOwner;
        }

        if (_entries.ContainsKey(name))
        {
            return StoreStatus.Exists;
        }

        if (_entries.Count == _maxEntries)
        {
            return StoreStatus.Full;
        }

        _entries.Add(name, new Entry { Type = value.Type, Value = value, Owner = client, Object = ObjectOf(name), Writable = writable, Low = low, High = high });
        Emit(StoreEventKind.Added, name, value);
        return StoreStatus.Ok;
    }

    public StoreStatus Get(string name, out ModelValue value)
    {
        value = ModelValue.None;
        if (!IsName(name, 3))
        {
            return StoreStatus.BadName;
        }

        if (!_entries.TryGetValue(name, out Entry? entry))
        {
            return StoreStatus.UnknownName;
        }

        value = entry.Value;
        Gets++;
        return StoreStatus.Ok;
    }

    public StoreStatus Set(int client, string name, ModelValue value)
    {
        if (!IsName(name, 3))
        {
            return StoreStatus.BadName;
        }

        if (!_entries.TryGetValue(name, out Entry? entry))
        {
            return StoreStatus.UnknownName;
        }

        if (value.Type != entry.Type)
        {
            return StoreStatus.WrongType;
        }

        if (value.Type == StoreType.Text && value.Text.Length > 128)
        {
            return StoreStatus.TooLong;
        }

        if (!Within(value, entry.Low, entry.High))
        {
            return StoreStatus.Rejected;
        }

        if (entry.Source != null)
        {
            if (!entry.Writable)
            {
                return StoreStatus.ReadOnly;
            }

            if (entry.Source == "even" && value.Bits % 2 != 0)
            {
                return StoreStatus.Rejected;
            }
        }
        else if (!entry.Writable && client != entry.Owner)
        {
            return StoreStatus.ReadOnly;
        }

        entry.Value = value;
        Emit(StoreEventKind.Changed, name, value);
        return StoreStatus.Ok;
    }

    public StoreStatus List(string prefix, string after, out string? name, out StoreType type)
    {
        name = null;
        type = StoreType.None;
        if (!IsPrefix(prefix) || !IsPrefix(after))
        {
            return StoreStatus.BadName;
        }

        name = _entries.Keys.FirstOrDefault(k => k.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(k, after) > 0);
        if (name != null)
        {
            type = _entries[name].Type;
        }

        return StoreStatus.Ok;
    }

    public StoreStatus Subscribe(int client, string prefix)
    {
        if (!IsPrefix(prefix))
        {
            return StoreStatus.BadName;
        }

        Subscriber s = _subscribers[client];
        if (s.Prefixes.Contains(prefix))
        {
            return StoreStatus.Exists;
        }

        if (s.Prefixes.Count == 4)
        {
            return StoreStatus.Full;
        }

        s.Prefixes.Add(prefix);
        return StoreStatus.Ok;
    }

    public ModelEvent? Poll(int client, out int pending, out ulong dropped)
    {
        Subscriber s = _subscribers[client];
        ModelEvent? e = s.Queue.Count > 0 ? s.Queue.Dequeue() : null;
        pending = s.Queue.Count;
        dropped = s.Dropped;
        return e;
    }

    public void DropClient(int client)
    {
        foreach (Obj obj in _objects.Values)
        {
            obj.Held.Remove(client);
        }

        foreach (string name in _objects.Where(o => o.Value.Owner == client).Select(o => o.Key).ToList())
        {
            Remove(name);
        }

        Subscriber s = _subscribers[client];
        s.Prefixes.Clear();
        s.Queue.Clear();
        s.Dropped = 0;
    }

    private void Emit(StoreEventKind kind, string name, ModelValue value)
    {
        foreach (Subscriber s in _subscribers)
        {
            if (!s.Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            if (s.Queue.Count >= _eventCapacity)
            {
                s.Dropped++;
            }
            else
            {
                s.Queue.Enqueue(new ModelEvent(kind, name, value));
            }
        }
    }
}
