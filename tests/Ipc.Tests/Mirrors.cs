using MessagePack;

namespace Microkernel.Ipc.Tests.Mirrors;

// The same messages declared the way MessagePack-CSharp wants them: [Key(n)] in field order
// gives the array layout our generator emits. These are the reference for wire compatibility.

[MessagePackObject]
public sealed class PutRequestMirror
{
    [Key(0)] public string Key { get; set; } = "";
    [Key(1)] public byte[] Value { get; set; } = System.Array.Empty<byte>();
    [Key(2)] public bool Overwrite { get; set; }
    [Key(3)] public uint TimeToLive { get; set; }
}

[MessagePackObject]
public sealed class PutReplyMirror
{
    [Key(0)] public bool Stored { get; set; }
    [Key(1)] public long Version { get; set; }
}

[MessagePackObject]
public sealed class GetRequestMirror
{
    [Key(0)] public string Key { get; set; } = "";
}

[MessagePackObject]
public sealed class GetReplyMirror
{
    [Key(0)] public bool Found { get; set; }
    [Key(1)] public byte[] Value { get; set; } = System.Array.Empty<byte>();
    [Key(2)] public long Version { get; set; }
}

[MessagePackObject]
public sealed class AllScalarsMirror
{
    [Key(0)] public sbyte I8 { get; set; }
    [Key(1)] public byte U8 { get; set; }
    [Key(2)] public short I16 { get; set; }
    [Key(3)] public ushort U16 { get; set; }
    [Key(4)] public int I32 { get; set; }
    [Key(5)] public uint U32 { get; set; }
    [Key(6)] public long I64 { get; set; }
    [Key(7)] public ulong U64 { get; set; }
    [Key(8)] public Contracts.Color Color { get; set; }
    [Key(9)] public bool Flag { get; set; }
}

[MessagePackObject]
public sealed class StampMirror
{
    [Key(0)] public ulong Seconds { get; set; }
    [Key(1)] public uint Nanoseconds { get; set; }
}

[MessagePackObject]
public sealed class EnvelopeMirror
{
    [Key(0)] public StampMirror Stamp { get; set; } = new();
    [Key(1)] public string Note { get; set; } = "";
    [Key(2)] public StampMirror Expires { get; set; } = new();
}

[MessagePackObject]
public sealed class ErrorReplyMirror
{
    [Key(0)] public Microkernel.Ipc.IpcErrorCode Code { get; set; }
}
