using Microkernel.Ipc;

namespace Microkernel.Services.Contracts;

/// <summary>The echo service: the first contract two services speak over a kernel channel.</summary>
[IpcContract(0x45434801)]
public interface IEcho
{
    /// <summary>Returns twice the value and how many calls the server has answered.</summary>
    [IpcMethod(1)]
    EchoReply Echo(in EchoRequest request);
}

/// <summary>A value to echo.</summary>
[IpcMessage]
public partial struct EchoRequest
{
    /// <summary>The value.</summary>
    public long Value;
}

/// <summary>The answer.</summary>
[IpcMessage]
public partial struct EchoReply
{
    /// <summary>Twice the request's value.</summary>
    public long Doubled;
    /// <summary>Calls answered so far, this one included.</summary>
    public uint Calls;
}
