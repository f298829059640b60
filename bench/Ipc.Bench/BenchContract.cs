using System;
using Microkernel.Ipc;

namespace Microkernel.Ipc.Bench;

/// <summary>The benchmark's service: an echo call (round trips) and a one-way delivery (throughput).</summary>
[IpcContract(0xBE4C0001)]
public interface IBench
{
    [IpcMethod(1)]
    Payload Echo(in Payload payload);

    [IpcMethod(2)]
    void Deliver(in Payload payload);
}

/// <summary>A message carrying N application bytes; the first 8 hold a sequence number the receiver checks.</summary>
[IpcMessage]
public ref partial struct Payload
{
    public ReadOnlySpan<byte> Data;
}
