using MessagePack;
using Microkernel.Services.Contracts;

namespace Microkernel.Store.Tests.Mirrors;

// The store's messages declared the way MessagePack-CSharp wants them ([Key(n)] in field
// order): the reference the wire-compatibility properties compare our codec against.

[MessagePackObject]
public sealed class StoreWireValueMirror
{
    [Key(0)] public StoreType Type { get; set; }
    [Key(1)] public long Signed { get; set; }
    [Key(2)] public ulong Unsigned { get; set; }
    [Key(3)] public bool Boolean { get; set; }
    [Key(4)] public string Text { get; set; } = "";
}

[MessagePackObject]
public sealed class StoreNameRequestMirror
{
    [Key(0)] public string Name { get; set; } = "";
}

[MessagePackObject]
public sealed class StoreSetRequestMirror
{
    [Key(0)] public string Name { get; set; } = "";
    [Key(1)] public StoreWireValueMirror Value { get; set; } = new();
}

[MessagePackObject]
public sealed class StoreRegisterRequestMirror
{
    [Key(0)] public string Name { get; set; } = "";
    [Key(1)] public StoreWireValueMirror Value { get; set; } = new();
    [Key(2)] public bool Writable { get; set; }
    [Key(3)] public StoreWireValueMirror Minimum { get; set; } = new();
    [Key(4)] public StoreWireValueMirror Maximum { get; set; } = new();
}

[MessagePackObject]
public sealed class StoreListRequestMirror
{
    [Key(0)] public string Prefix { get; set; } = "";
    [Key(1)] public string After { get; set; } = "";
}

[MessagePackObject]
public sealed class StorePollRequestMirror
{
}

[MessagePackObject]
public sealed class StoreStatusReplyMirror
{
    [Key(0)] public StoreStatus Status { get; set; }
}

[MessagePackObject]
public sealed class StoreGetReplyMirror
{
    [Key(0)] public StoreStatus Status { get; set; }
    [Key(1)] public StoreWireValueMirror Value { get; set; } = new();
}

[MessagePackObject]
public sealed class StoreListReplyMirror
{
    [Key(0)] public StoreStatus Status { get; set; }
    [Key(1)] public bool Found { get; set; }
    [Key(2)] public string Name { get; set; } = "";
    [Key(3)] public StoreType Type { get; set; }
}

[MessagePackObject]
public sealed class StoreEventReplyMirror
{
    [Key(0)] public StoreStatus Status { get; set; }
    [Key(1)] public bool Found { get; set; }
    [Key(2)] public StoreEventKind Kind { get; set; }
    [Key(3)] public string Name { get; set; } = "";
    [Key(4)] public StoreWireValueMirror Value { get; set; } = new();
    [Key(5)] public uint Pending { get; set; }
    [Key(6)] public ulong Dropped { get; set; }
}
