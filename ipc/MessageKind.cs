namespace Microkernel.Ipc;

/// <summary>What a framed message is; byte 6 of the <see cref="MessageHeader"/>.</summary>
public enum MessageKind : byte
{
    /// <summary>A call that expects exactly one reply (a Reply or an Error with the same request id).</summary>
    Request = 1,

    /// <summary>The successful answer to a request.</summary>
    Reply = 2,

    /// <summary>The failed answer to a request; the body is an <see cref="ErrorReply"/>.</summary>
    Error = 3,

    /// <summary>A one-way message: no reply, and a rejected one is only counted by the receiver.</summary>
    Notification = 4,
}
