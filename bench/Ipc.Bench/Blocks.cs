using System.Runtime.CompilerServices;

namespace Microkernel.Ipc.Bench;

// Fixed-size message values for Channels<T>: the same N bytes our ring carries, by value,
// so Channels pays no allocation per message.

[InlineArray(8)]
public struct Block8
{
    private byte _element;
}

[InlineArray(64)]
public struct Block64
{
    private byte _element;
}

[InlineArray(512)]
public struct Block512
{
    private byte _element;
}
