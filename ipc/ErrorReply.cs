namespace Microkernel.Ipc;

/// <summary>Body of a <see cref="MessageKind.Error"/> reply. Declared like any message; its codec is generated.</summary>
[IpcMessage]
public partial struct ErrorReply
{
    /// <summary>Why the request failed.</summary>
    public IpcErrorCode Code;
}
