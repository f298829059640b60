using System;
using Microkernel.Ipc;

namespace Microkernel.Ipc.Tests.Contracts;

/// <summary>A small key/value service: the shapes real services will use.</summary>
[IpcContract(0x4B560001)]
public interface IKeyValue
{
    [IpcMethod(1)]
    PutReply Put(in PutRequest request);

    [IpcMethod(2)]
    GetReply Get(in GetRequest request);

    [IpcMethod(3)]
    void Forget(in GetRequest request);
}

[IpcMessage]
public ref partial struct PutRequest
{
    [Utf8]
    public ReadOnlySpan<byte> Key;
    public ReadOnlySpan<byte> Value;
    public bool Overwrite;
    public uint TimeToLive;
}

[IpcMessage]
public partial struct PutReply
{
    public bool Stored;
    public long Version;
}

[IpcMessage]
public ref partial struct GetRequest
{
    [Utf8]
    public ReadOnlySpan<byte> Key;
}

[IpcMessage]
public ref partial struct GetReply
{
    public bool Found;
    public ReadOnlySpan<byte> Value;
    public long Version;
}

public enum Color : short
{
    Red = -2,
    Green = 0,
    Blue = 300,
}

/// <summary>Every integer width and signedness, an enum and a bool: the integer encodings must match MessagePack-CSharp exactly.</summary>
[IpcMessage]
public partial struct AllScalars
{
    public sbyte I8;
    public byte U8;
    public short I16;
    public ushort U16;
    public int I32;
    public uint U32;
    public long I64;
    public ulong U64;
    public Color Color;
    public bool Flag;
}

[IpcMessage]
public partial struct Stamp
{
    public ulong Seconds;
    public uint Nanoseconds;
}

/// <summary>A message nesting another message (encoded as a nested array).</summary>
[IpcMessage]
public ref partial struct Envelope
{
    public Stamp Stamp;
    [Utf8]
    public ReadOnlySpan<byte> Note;
    public Stamp Expires;
}
