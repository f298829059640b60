using System;
using Microkernel.Ipc;

namespace Microkernel.Services.Contracts;

/// <summary>The store: the system's registry of named, typed runtime values
/// (<c>library/object/entry</c>), with dynamic objects, reference counts, change events
/// and prefix listing. One channel is one client; the store knows who is calling by the
/// channel the request came in on.</summary>
/// <remarks>Every reply carries a <see cref="StoreStatus"/>: a refused operation is an
/// ordinary reply with a non-Ok status, never an IPC error. Lists and events come one per
/// call (the codec has no arrays): List takes the last name returned as its cursor,
/// PollEvents reports how many more events are queued.</remarks>
[IpcContract(0x53544F52)]
public interface IStore
{
    /// <summary>Reads an entry.</summary>
    [IpcMethod(1)]
    StoreGetReply Get(in StoreNameRequest request);

    /// <summary>Writes an entry: its owner may always write it, others only when it was
    /// registered writable; a computed entry's setter may refuse the value.</summary>
    [IpcMethod(2)]
    StoreStatusReply Set(in StoreSetRequest request);

    /// <summary>Creates the dynamic object <c>library/object</c>, owned by the caller.</summary>
    [IpcMethod(3)]
    StoreStatusReply CreateObject(in StoreNameRequest request);

    /// <summary>Removes one of the caller's objects and its entries (refused while referenced).</summary>
    [IpcMethod(4)]
    StoreStatusReply RemoveObject(in StoreNameRequest request);

    /// <summary>Takes a reference on an object: it cannot be removed until released.</summary>
    [IpcMethod(5)]
    StoreStatusReply Acquire(in StoreNameRequest request);

    /// <summary>Drops a reference the caller took with Acquire.</summary>
    [IpcMethod(6)]
    StoreStatusReply Release(in StoreNameRequest request);

    /// <summary>Adds an entry to one of the caller's objects, with its first value.</summary>
    [IpcMethod(7)]
    StoreStatusReply Register(in StoreRegisterRequest request);

    /// <summary>The first entry name after <c>After</c> (byte order) that starts with
    /// <c>Prefix</c>; pass it back as <c>After</c> for the next.</summary>
    [IpcMethod(8)]
    StoreListReply List(in StoreListRequest request);

    /// <summary>Queues, for the caller, an event for every change under the prefix.</summary>
    [IpcMethod(9)]
    StoreStatusReply Subscribe(in StoreNameRequest request);

    /// <summary>Takes the caller's oldest queued event.</summary>
    [IpcMethod(10)]
    StoreEventReply PollEvents(in StorePollRequest request);
}

/// <summary>The outcome of a store operation (byte on the wire).</summary>
public enum StoreStatus : byte
{
    /// <summary>Done.</summary>
    Ok = 0,
    /// <summary>No such entry or object.</summary>
    UnknownName = 1,
    /// <summary>The value's type is not the entry's type.</summary>
    WrongType = 2,
    /// <summary>The entry is not writable by the caller.</summary>
    ReadOnly = 3,
    /// <summary>The entry's setter refused the value.</summary>
    Rejected = 4,
    /// <summary>The name is already taken (entry, object, or subscription prefix).</summary>
    Exists = 5,
    /// <summary>The object still has references.</summary>
    InUse = 6,
    /// <summary>A fixed table (entries, objects, subscriptions, references) is full.</summary>
    Full = 7,
    /// <summary>The name does not have the required shape (see the store's README).</summary>
    BadName = 8,
    /// <summary>The caller does not own the object (or holds no reference to release).</summary>
    NotOwner = 9,
    /// <summary>A string value longer than 128 bytes.</summary>
    TooLong = 10,
    /// <summary>Never sent by the store: the client helper's result when the call could
    /// not be made or answered (peer gone, ring corrupt, malformed reply).</summary>
    Unavailable = 255,
}

/// <summary>The type of an entry's value (byte on the wire).</summary>
public enum StoreType : byte
{
    /// <summary>No value (a reply that carries none).</summary>
    None = 0,
    /// <summary>Signed 64-bit integer (<see cref="StoreWireValue.Signed"/>).</summary>
    Signed = 1,
    /// <summary>Unsigned 64-bit integer (<see cref="StoreWireValue.Unsigned"/>).</summary>
    Unsigned = 2,
    /// <summary>UTF-8 string of at most 128 bytes (<see cref="StoreWireValue.Text"/>).</summary>
    Text = 3,
    /// <summary>Boolean (<see cref="StoreWireValue.Boolean"/>).</summary>
    Boolean = 4,
}

/// <summary>What a change event reports (byte on the wire).</summary>
public enum StoreEventKind : byte
{
    /// <summary>No event.</summary>
    None = 0,
    /// <summary>An entry was set; the event carries the new value.</summary>
    Changed = 1,
    /// <summary>An object was created (the name is <c>library/object</c>).</summary>
    Created = 2,
    /// <summary>An entry was added to an object; the event carries its first value.</summary>
    Added = 3,
    /// <summary>An entry, or after its entries an object, was removed.</summary>
    Removed = 4,
}

/// <summary>A typed value: <see cref="Type"/> says which one of the other fields holds it.</summary>
[IpcMessage]
public ref partial struct StoreWireValue
{
    /// <summary>Which field holds the value.</summary>
    public StoreType Type;
    /// <summary>The value of a Signed entry.</summary>
    public long Signed;
    /// <summary>The value of an Unsigned entry.</summary>
    public ulong Unsigned;
    /// <summary>The value of a Boolean entry.</summary>
    public bool Boolean;
    /// <summary>The value of a Text entry (UTF-8, at most 128 bytes).</summary>
    [Utf8]
    public ReadOnlySpan<byte> Text;
}

/// <summary>A request naming one entry, object or prefix.</summary>
[IpcMessage]
public ref partial struct StoreNameRequest
{
    /// <summary>The name.</summary>
    [Utf8]
    public ReadOnlySpan<byte> Name;
}

/// <summary>Set: an entry and its new value.</summary>
[IpcMessage]
public ref partial struct StoreSetRequest
{
    /// <summary>The entry.</summary>
    [Utf8]
    public ReadOnlySpan<byte> Name;
    /// <summary>The new value (its type must be the entry's).</summary>
    public StoreWireValue Value;
}

/// <summary>Register: a new entry in one of the caller's objects.</summary>
[IpcMessage]
public ref partial struct StoreRegisterRequest
{
    /// <summary>The entry (<c>library/object/entry</c>; the object must be the caller's).</summary>
    [Utf8]
    public ReadOnlySpan<byte> Name;
    /// <summary>Its first value, which also fixes its type.</summary>
    public StoreWireValue Value;
    /// <summary>True: any client may set it; false: only the caller.</summary>
    public bool Writable;
    /// <summary>The lowest value a Set may give a Signed or Unsigned entry, of the entry's
    /// type (Type None: no lower bound). A Set outside the bounds is Rejected.</summary>
    public StoreWireValue Minimum;
    /// <summary>The highest value a Set may give (Type None: no upper bound).</summary>
    public StoreWireValue Maximum;
}

/// <summary>List: one page (one name) of a prefix listing.</summary>
[IpcMessage]
public ref partial struct StoreListRequest
{
    /// <summary>Names must start with these bytes (empty: every name).</summary>
    [Utf8]
    public ReadOnlySpan<byte> Prefix;
    /// <summary>The cursor: the last name returned (empty: start at the beginning).</summary>
    [Utf8]
    public ReadOnlySpan<byte> After;
}

/// <summary>PollEvents: takes one event (one per call; see <see cref="StoreEventReply.Pending"/>).
/// No fields yet (an empty array on the wire); fields may be appended later.</summary>
[IpcMessage]
public partial struct StorePollRequest
{
}

/// <summary>The answer to an operation that returns nothing but its outcome.</summary>
[IpcMessage]
public partial struct StoreStatusReply
{
    /// <summary>The outcome.</summary>
    public StoreStatus Status;
}

/// <summary>The answer to Get.</summary>
[IpcMessage]
public ref partial struct StoreGetReply
{
    /// <summary>The outcome.</summary>
    public StoreStatus Status;
    /// <summary>The value (Type None unless Status is Ok).</summary>
    public StoreWireValue Value;
}

/// <summary>The answer to List.</summary>
[IpcMessage]
public ref partial struct StoreListReply
{
    /// <summary>The outcome (BadName for a malformed prefix or cursor).</summary>
    public StoreStatus Status;
    /// <summary>False when no name is left after the cursor.</summary>
    public bool Found;
    /// <summary>The entry's name (the next cursor).</summary>
    [Utf8]
    public ReadOnlySpan<byte> Name;
    /// <summary>The entry's type.</summary>
    public StoreType Type;
}

/// <summary>The answer to PollEvents.</summary>
[IpcMessage]
public ref partial struct StoreEventReply
{
    /// <summary>The outcome (Ok also when no event was queued: see <see cref="Found"/>).</summary>
    public StoreStatus Status;
    /// <summary>True when this reply carries an event.</summary>
    public bool Found;
    /// <summary>What happened.</summary>
    public StoreEventKind Kind;
    /// <summary>The entry or object it happened to.</summary>
    [Utf8]
    public ReadOnlySpan<byte> Name;
    /// <summary>The new value (Changed, Added; Type None otherwise).</summary>
    public StoreWireValue Value;
    /// <summary>Events still queued after this one.</summary>
    public uint Pending;
    /// <summary>Events dropped for this client so far because its queue was full.</summary>
    public ulong Dropped;
}
