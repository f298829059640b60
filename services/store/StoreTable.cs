using System;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>The store's state: entries, dynamic objects, references and subscriptions,
/// in tables sized once at construction (nothing is allocated after that).</summary>
/// <remarks>
/// Callers are identified by a client id in [0, maxClients]; 0 is the store itself
/// (static entries, its own computed entries). Static entries live outside any dynamic
/// object and are never removed; their <c>library/object</c> part cannot be created as
/// a dynamic object. A dynamic object belongs to the client that created it; only that
/// client adds entries to it or removes it. Every entry has a stored value (its owner may
/// always set it, others only when it is writable) or a source (<see cref="IStoreEntrySource"/>,
/// read on every get; a writable one decides about sets).
/// Events (Created, Added, Changed, Removed) go to every client with a matching prefix,
/// into its bounded queue; removing an object reports its entries in name order, then the
/// object. Single-threaded: the service calls it from its one loop.
/// </remarks>
public sealed class StoreTable
{
    private const int NameStride = StoreNames.MaxBytes + 1;

    private struct Entry
    {
        internal bool Used;
        internal bool Writable;
        internal byte NameLength;
        internal byte TextLength;
        internal StoreType Type;
        internal uint Hash;
        internal int Owner;
        /// <summary>Index of its dynamic object, or -1 for a static entry.</summary>
        internal int Object;
        internal ulong Bits;
        /// <summary>Its owner's range (stored Signed/Unsigned entries only).</summary>
        internal StoreBounds Bounds;
        /// <summary>The next used entry in this entry's hash bucket, or -1.</summary>
        internal int NextInBucket;
    }

    private struct StoreObject
    {
        internal bool Used;
        internal byte NameLength;
        internal uint Hash;
        internal int Owner;
        internal int References;
        internal int Entries;
    }

    private readonly Entry[] _entries;
    /// <summary>Used entries by name hash: the first entry of each bucket's chain, or -1
    /// (chained through <see cref="Entry.NextInBucket"/>). A get, set or register finds its
    /// entry by walking one short chain instead of scanning the whole table (the scan cost
    /// a store get about 5 instructions per entry before the one asked for).</summary>
    private readonly int[] _buckets;
    private readonly int _bucketMask;
    private readonly IStoreEntrySource?[] _sources;
    private readonly byte[] _entryNames;
    private readonly byte[] _texts;
    private readonly StoreObject[] _objects;
    private readonly byte[] _objectNames;
    /// <summary>References held, per client and object: [client * objects + object].</summary>
    private readonly int[] _held;
    private readonly StoreSubscriber[] _subscribers;
    private readonly byte[] _scratch = new byte[StoreValue.MaxTextBytes];
    private readonly int _maxClients;
    private readonly int _eventCapacity;
    private int _eventLimit;
    private int _entryCount;
    private int _objectCount;
    private ulong _gets;

    /// <summary>Tables for <paramref name="maxEntries"/> entries, <paramref name="maxObjects"/>
    /// dynamic objects, clients 0..<paramref name="maxClients"/>, and
    /// <paramref name="eventCapacity"/> queued events per subscribing client.</summary>
    public StoreTable(int maxEntries, int maxObjects, int maxClients, int eventCapacity)
    {
        _entries = new Entry[maxEntries];
        int buckets = 1;
        while (buckets < maxEntries)
        {
            buckets <<= 1;
        }

        _buckets = new int[buckets];
        _bucketMask = buckets - 1;
        for (int b = 0; b < buckets; b++)
        {
            _buckets[b] = -1;
        }

        _sources = new IStoreEntrySource?[maxEntries];
        _entryNames = new byte[maxEntries * NameStride];
        _texts = new byte[maxEntries * StoreValue.MaxTextBytes];
        _objects = new StoreObject[maxObjects];
        _objectNames = new byte[maxObjects * NameStride];
        _held = new int[(maxClients + 1) * maxObjects];
        _maxClients = maxClients;
        _subscribers = new StoreSubscriber[maxClients + 1];
        for (int i = 0; i <= maxClients; i++)
        {
            _subscribers[i] = new StoreSubscriber(eventCapacity);
        }

        _eventCapacity = eventCapacity;
        _eventLimit = eventCapacity;
    }

    /// <summary>Entries registered now (static and dynamic).</summary>
    public int EntryCount => _entryCount;

    /// <summary>Dynamic objects that exist now.</summary>
    public int ObjectCount => _objectCount;

    /// <summary>Successful gets so far.</summary>
    public ulong Gets => _gets;

    /// <summary>Highest client id.</summary>
    public int MaxClients => _maxClients;

    /// <summary>Events each client may have queued (1 up to the capacity given at construction).</summary>
    public int EventLimit => _eventLimit;

    /// <summary>Changes <see cref="EventLimit"/>; false (unchanged) outside 1..capacity.
    /// Events already queued beyond a lowered limit stay queued.</summary>
    public bool TrySetEventLimit(ulong limit)
    {
        if (limit < 1 || limit > (ulong)_eventCapacity)
        {
            return false;
        }

        _eventLimit = (int)limit;
        return true;
    }

    /// <summary>Registers a static entry with a stored value, owned by the store (client 0).</summary>
    public StoreStatus RegisterStatic(ReadOnlySpan<byte> name, in StoreValue value, bool writable) =>
        Add(0, name, value.Type, value, null, writable, isStatic: true);

    /// <summary>Registers a static computed entry of type <paramref name="type"/>.</summary>
    public StoreStatus RegisterStaticSource(ReadOnlySpan<byte> name, StoreType type, IStoreEntrySource source, bool writable) =>
        source == null ? StoreStatus.Rejected : Add(0, name, type, StoreValue.FromUnsigned(0), source, writable, isStatic: true);

    /// <summary>Adds an entry with a stored value to the dynamic object <c>library/object</c>
    /// of its name, which <paramref name="client"/> must own. With <paramref name="bounds"/>
    /// (Signed and Unsigned entries), a Set outside them is Rejected; bounds out of order,
    /// or a first value outside them, are Rejected here.</summary>
    public StoreStatus Register(int client, ReadOnlySpan<byte> name, in StoreValue value, bool writable, StoreBounds bounds = default) =>
        Add(client, name, value.Type, value, null, writable, isStatic: false, bounds);

    /// <summary>Adds a computed entry to a dynamic object <paramref name="client"/> owns.</summary>
    public StoreStatus RegisterSource(int client, ReadOnlySpan<byte> name, StoreType type, IStoreEntrySource source, bool writable) =>
        source == null ? StoreStatus.Rejected : Add(client, name, type, StoreValue.FromUnsigned(0), source, writable, isStatic: false);

    /// <summary>Reads an entry. A Text value is a view of the table's (or the source's)
    /// buffer, valid until the next call into the table.</summary>
    public StoreStatus Get(ReadOnlySpan<byte> name, out StoreValue value)
    {
        value = default;
        if (!StoreNames.IsEntryName(name))
        {
            return StoreStatus.BadName;
        }

        int e = FindEntry(name);
        if (e < 0)
        {
            return StoreStatus.UnknownName;
        }

        value = ValueOf(e);
        _gets++;
        return StoreStatus.Ok;
    }

    /// <summary>Writes an entry on behalf of <paramref name="client"/>.</summary>
    public StoreStatus Set(int client, ReadOnlySpan<byte> name, in StoreValue value)
    {
        if (!StoreNames.IsEntryName(name))
        {
            return StoreStatus.BadName;
        }

        int e = FindEntry(name);
        if (e < 0)
        {
            return StoreStatus.UnknownName;
        }

        ref Entry entry = ref _entries[e];
        if (value.Type != entry.Type)
        {
            return StoreStatus.WrongType;
        }

        if (value.Type == StoreType.Text && value.Text.Length > StoreValue.MaxTextBytes)
        {
            return StoreStatus.TooLong;
        }

        if (!entry.Bounds.Admits(in value))
        {
            return StoreStatus.Rejected;
        }

        IStoreEntrySource? source = _sources[e];
        if (source != null)
        {
            if (!entry.Writable)
            {
                return StoreStatus.ReadOnly;
            }

            if (!source.TrySet(in value))
            {
                return StoreStatus.Rejected;
            }
        }
        else
        {
            if (!entry.Writable && client != entry.Owner)
            {
                return StoreStatus.ReadOnly;
            }

            Store(e, in value);
        }
        Emit(StoreEventKind.Changed, name, in value);
        return StoreStatus.Ok;
    }

    /// <summary>Creates the dynamic object <paramref name="name"/> (<c>library/object</c>) owned by <paramref name="client"/>.</summary>
    public StoreStatus CreateObject(int client, ReadOnlySpan<byte> name)
    {
        if (!StoreNames.IsObjectName(name))
        {
            return StoreStatus.BadName;
        }

        if (!IsClient(client))
        {
            return StoreStatus.NotOwner;
        }

        if (FindObject(name) >= 0 || HasStaticObject(name))
        {
            return StoreStatus.Exists;
        }

        int o = -1;
        for (int i = 0; i < _objects.Length; i++)
        {
            if (!_objects[i].Used) { o = i; break; }
        }
        if (o < 0)
        {
            return StoreStatus.Full;
        }

        name.CopyTo(new Span<byte>(_objectNames, o * NameStride, NameStride));
        _objects[o] = new StoreObject { Used = true, NameLength = (byte)name.Length, Hash = StoreNames.Hash(name), Owner = client };
        _objectCount++;
        Emit(StoreEventKind.Created, name, default);
        return StoreStatus.Ok;
    }

    /// <summary>Removes one of <paramref name="client"/>'s objects with its entries; refused
    /// (<see cref="StoreStatus.InUse"/>) while any client holds a reference to it.</summary>
    public StoreStatus RemoveObject(int client, ReadOnlySpan<byte> name)
    {
        if (!StoreNames.IsObjectName(name))
        {
            return StoreStatus.BadName;
        }

        int o = FindObject(name);
        if (o < 0)
        {
            return StoreStatus.UnknownName;
        }

        if (_objects[o].Owner != client)
        {
            return StoreStatus.NotOwner;
        }

        if (_objects[o].References > 0)
        {
            return StoreStatus.InUse;
        }

        Remove(o);
        return StoreStatus.Ok;
    }

    /// <summary>Takes a reference on a dynamic object for <paramref name="client"/>.</summary>
    public StoreStatus Acquire(int client, ReadOnlySpan<byte> name)
    {
        if (!StoreNames.IsObjectName(name))
        {
            return StoreStatus.BadName;
        }

        if (!IsClient(client))
        {
            return StoreStatus.NotOwner;
        }

        int o = FindObject(name);
        if (o < 0)
        {
            return StoreStatus.UnknownName;
        }

        if (_objects[o].References == int.MaxValue)
        {
            return StoreStatus.Full;
        }

        _objects[o].References++;
        _held[client * _objects.Length + o]++;
        return StoreStatus.Ok;
    }

    /// <summary>Drops a reference <paramref name="client"/> took with <see cref="Acquire"/>.</summary>
    public StoreStatus Release(int client, ReadOnlySpan<byte> name)
    {
        if (!StoreNames.IsObjectName(name))
        {
            return StoreStatus.BadName;
        }

        int o = FindObject(name);
        if (o < 0)
        {
            return StoreStatus.UnknownName;
        }

        if (!IsClient(client) || _held[client * _objects.Length + o] == 0)
        {
            return StoreStatus.NotOwner;
        }

        _held[client * _objects.Length + o]--;
        _objects[o].References--;
        return StoreStatus.Ok;
    }

    /// <summary>References on the object <paramref name="name"/> (all clients), or -1 if there is no such object.</summary>
    public int ReferencesOf(ReadOnlySpan<byte> name)
    {
        int o = FindObject(name);
        return o < 0 ? -1 : _objects[o].References;
    }

    /// <summary>One step of a listing: the smallest entry name greater than <paramref name="after"/>
    /// that starts with <paramref name="prefix"/>. <paramref name="found"/> is false at the end.
    /// The name is a view of the table, valid until the next change.</summary>
    public StoreStatus List(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> after, out bool found, out ReadOnlySpan<byte> name, out StoreType type)
    {
        found = false;
        name = default;
        type = StoreType.None;
        if (!StoreNames.IsPrefix(prefix) || !StoreNames.IsPrefix(after))
        {
            return StoreStatus.BadName;
        }

        int best = -1;
        for (int e = 0; e < _entries.Length; e++)
        {
            if (!_entries[e].Used)
            {
                continue;
            }

            ReadOnlySpan<byte> candidate = NameOf(e);
            if (!StoreNames.StartsWith(candidate, prefix) || StoreNames.Compare(candidate, after) <= 0)
            {
                continue;
            }

            if (best < 0 || StoreNames.Compare(candidate, NameOf(best)) < 0)
            {
                best = e;
            }
        }
        if (best < 0)
        {
            return StoreStatus.Ok;
        }

        found = true;
        name = NameOf(best);
        type = _entries[best].Type;
        return StoreStatus.Ok;
    }

    /// <summary>Adds <paramref name="prefix"/> to <paramref name="client"/>'s subscriptions:
    /// from now on every event whose name starts with it is queued for that client.</summary>
    public StoreStatus Subscribe(int client, ReadOnlySpan<byte> prefix)
    {
        if (!StoreNames.IsPrefix(prefix))
        {
            return StoreStatus.BadName;
        }

        if (!IsClient(client))
        {
            return StoreStatus.NotOwner;
        }

        StoreSubscriber subscriber = _subscribers[client];
        if (subscriber.HasPrefix(prefix))
        {
            return StoreStatus.Exists;
        }

        if (subscriber.PrefixCount == StoreSubscriber.MaxPrefixes)
        {
            return StoreStatus.Full;
        }

        subscriber.AddPrefix(prefix);
        return StoreStatus.Ok;
    }

    /// <summary>Takes <paramref name="client"/>'s oldest queued event. The name and value
    /// are views valid until the next change in the table.</summary>
    public bool TryPollEvent(int client, out StoreEventKind kind, out ReadOnlySpan<byte> name, out StoreValue value, out int pending, out ulong dropped)
    {
        kind = StoreEventKind.None;
        name = default;
        value = default;
        pending = 0;
        dropped = 0;
        if (!IsClient(client))
        {
            return false;
        }

        StoreSubscriber subscriber = _subscribers[client];
        bool found = subscriber.TryDequeue(out kind, out name, out value);
        pending = subscriber.Count;
        dropped = subscriber.Dropped;
        return found;
    }

    /// <summary>Forgets a client that went away: its references are released, its objects
    /// removed (even if others still hold references: their owner is gone), with events,
    /// in name order, and its subscriptions and queued events dropped.</summary>
    public void DropClient(int client)
    {
        if (!IsClient(client))
        {
            return;
        }

        int objects = _objects.Length;
        for (int o = 0; o < objects; o++)
        {
            int held = _held[client * objects + o];
            if (held == 0)
            {
                continue;
            }

            _objects[o].References -= held;
            _held[client * objects + o] = 0;
        }
        while (true)
        {
            int next = -1;
            for (int o = 0; o < objects; o++)
            {
                if (!_objects[o].Used || _objects[o].Owner != client)
                {
                    continue;
                }

                if (next < 0 || StoreNames.Compare(ObjectName(o), ObjectName(next)) < 0)
                {
                    next = o;
                }
            }
            if (next < 0)
            {
                break;
            }

            Remove(next);
        }
        _subscribers[client].Clear();
    }

    private StoreStatus Add(int client, ReadOnlySpan<byte> name, StoreType type, in StoreValue value, IStoreEntrySource? source, bool writable, bool isStatic,
        StoreBounds bounds = default)
    {
        if (!StoreNames.IsEntryName(name))
        {
            return StoreStatus.BadName;
        }

        if (!IsClient(client))
        {
            return StoreStatus.NotOwner;
        }

        if (type != StoreType.Signed && type != StoreType.Unsigned && type != StoreType.Text && type != StoreType.Boolean)
        {
            return StoreStatus.WrongType;
        }

        if (source == null && type == StoreType.Text && value.Text.Length > StoreValue.MaxTextBytes)
        {
            return StoreStatus.TooLong;
        }

        if (bounds.IsSet && (type == StoreType.Text || type == StoreType.Boolean))
        {
            return StoreStatus.WrongType;
        }

        if (!bounds.IsOrdered(type) || !bounds.Admits(in value))
        {
            return StoreStatus.Rejected;
        }

        ReadOnlySpan<byte> objectName = name.Slice(0, StoreNames.ObjectLength(name));
        int o = FindObject(objectName);
        if (isStatic)
        {
            if (o >= 0)
            {
                return StoreStatus.Exists;
            }
        }
        else
        {
            if (o < 0)
            {
                return StoreStatus.UnknownName;
            }

            if (_objects[o].Owner != client)
            {
                return StoreStatus.NotOwner;
            }
        }
        if (FindEntry(name) >= 0)
        {
            return StoreStatus.Exists;
        }

        int e = -1;
        for (int i = 0; i < _entries.Length; i++)
        {
            if (!_entries[i].Used) { e = i; break; }
        }
        if (e < 0)
        {
            return StoreStatus.Full;
        }

        name.CopyTo(new Span<byte>(_entryNames, e * NameStride, NameStride));
        uint hash = StoreNames.Hash(name);
        ref int bucket = ref _buckets[hash & (uint)_bucketMask];
        _entries[e] = new Entry
        {
            Used = true,
            Writable = writable,
            NameLength = (byte)name.Length,
            Type = type,
            Hash = hash,
            Owner = client,
            Object = isStatic ? -1 : o,
            Bounds = bounds,
            NextInBucket = bucket,
        };
        bucket = e;
        _sources[e] = source;
        if (source == null)
        {
            Store(e, in value);
        }

        if (!isStatic)
        {
            _objects[o].Entries++;
        }

        _entryCount++;
        Emit(StoreEventKind.Added, name, ValueOf(e));
        return StoreStatus.Ok;
    }

    /// <summary>Removes object <paramref name="o"/>: Removed for each entry in name order, then for the object.</summary>
    private void Remove(int o)
    {
        while (_objects[o].Entries > 0)
        {
            int next = -1;
            for (int e = 0; e < _entries.Length; e++)
            {
                if (!_entries[e].Used || _entries[e].Object != o)
                {
                    continue;
                }

                if (next < 0 || StoreNames.Compare(NameOf(e), NameOf(next)) < 0)
                {
                    next = e;
                }
            }
            if (next < 0)
            {
                break;
            }

            Unlink(next);
            _entries[next].Used = false;
            _sources[next] = null;
            _objects[o].Entries--;
            _entryCount--;
            Emit(StoreEventKind.Removed, NameOf(next), default);
        }
        int objects = _objects.Length;
        for (int c = 0; c <= _maxClients; c++)
        {
            _held[c * objects + o] = 0;
        }

        _objects[o].Used = false;
        _objectCount--;
        Emit(StoreEventKind.Removed, ObjectName(o), default);
    }

    private void Emit(StoreEventKind kind, ReadOnlySpan<byte> name, in StoreValue value)
    {
        for (int c = 0; c <= _maxClients; c++)
        {
            StoreSubscriber subscriber = _subscribers[c];
            if (subscriber.PrefixCount > 0 && subscriber.Matches(name))
            {
                subscriber.Enqueue(kind, name, in value, _eventLimit);
            }
        }
    }

    private StoreValue ValueOf(int e)
    {
        ref Entry entry = ref _entries[e];
        IStoreEntrySource? source = _sources[e];
        if (source != null)
        {
            StoreValue computed = source.Get(_scratch);
            ReadOnlySpan<byte> text = computed.Text.Length > StoreValue.MaxTextBytes ? computed.Text.Slice(0, StoreValue.MaxTextBytes) : computed.Text;
            return new StoreValue(entry.Type, entry.Type == StoreType.Text ? 0 : computed.Bits, entry.Type == StoreType.Text ? text : default);
        }
        return new StoreValue(entry.Type, entry.Bits, entry.Type == StoreType.Text ? new ReadOnlySpan<byte>(_texts, e * StoreValue.MaxTextBytes, entry.TextLength) : default);
    }

    private void Store(int e, in StoreValue value)
    {
        ref Entry entry = ref _entries[e];
        if (entry.Type == StoreType.Text)
        {
            value.Text.CopyTo(new Span<byte>(_texts, e * StoreValue.MaxTextBytes, StoreValue.MaxTextBytes));
            entry.TextLength = (byte)value.Text.Length;
            entry.Bits = 0;
        }
        else
        {
            entry.Bits = entry.Type == StoreType.Boolean ? (value.Bits != 0 ? 1UL : 0UL) : value.Bits;
            entry.TextLength = 0;
        }
    }

    private int FindEntry(ReadOnlySpan<byte> name)
    {
        uint hash = StoreNames.Hash(name);
        for (int e = _buckets[hash & (uint)_bucketMask]; e >= 0; e = _entries[e].NextInBucket)
        {
            if (_entries[e].Hash == hash && NameOf(e).SequenceEqual(name))
            {
                return e;
            }
        }
        return -1;
    }

    /// <summary>Takes used entry <paramref name="e"/> out of its bucket's chain.</summary>
    private void Unlink(int e)
    {
        ref int link = ref _buckets[_entries[e].Hash & (uint)_bucketMask];
        while (link != e)
        {
            if (link < 0)
            {
                return; // not chained: cannot happen for a used entry
            }

            link = ref _entries[link].NextInBucket;
        }
        link = _entries[e].NextInBucket;
        _entries[e].NextInBucket = -1;
    }

    private int FindObject(ReadOnlySpan<byte> name)
    {
        uint hash = StoreNames.Hash(name);
        for (int o = 0; o < _objects.Length; o++)
        {
            if (_objects[o].Used && _objects[o].Hash == hash && ObjectName(o).SequenceEqual(name))
            {
                return o;
            }
        }
        return -1;
    }

    /// <summary>True when a static entry lives under <c><paramref name="objectName"/>/</c>.</summary>
    private bool HasStaticObject(ReadOnlySpan<byte> objectName)
    {
        for (int e = 0; e < _entries.Length; e++)
        {
            if (!_entries[e].Used || _entries[e].Object >= 0)
            {
                continue;
            }

            ReadOnlySpan<byte> name = NameOf(e);
            if (name.Length > objectName.Length && name[objectName.Length] == (byte)'/' && StoreNames.StartsWith(name, objectName))
            {
                return true;
            }
        }
        return false;
    }

    private bool IsClient(int client) => (uint)client <= (uint)_maxClients;

    private ReadOnlySpan<byte> NameOf(int e) => new ReadOnlySpan<byte>(_entryNames, e * NameStride, _entries[e].NameLength);

    private ReadOnlySpan<byte> ObjectName(int o) => new ReadOnlySpan<byte>(_objectNames, o * NameStride, _objects[o].NameLength);
}
