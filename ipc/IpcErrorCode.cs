namespace Microkernel.Ipc;

/// <summary>Why a server rejected a request; carried in the body of an Error reply (<see cref="ErrorReply"/>).</summary>
public enum IpcErrorCode : ushort
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The header names a contract this endpoint does not serve.</summary>
    UnknownContract = 1,

    /// <summary>The contract has no method with that message id.</summary>
    UnknownMessage = 2,

    /// <summary>The body is longer than the endpoint accepts.</summary>
    BodyTooLarge = 3,

    /// <summary>The header is short, has an unknown kind, a nonzero reserved byte or a body length that disagrees with the record.</summary>
    MalformedHeader = 4,

    /// <summary>The body is not a valid encoding of the method's request type.</summary>
    MalformedBody = 5,

    /// <summary>The reply did not fit the endpoint's maximum reply size.</summary>
    ReplyTooLarge = 6,

    /// <summary>A one-way method was called as a request, or a request method as a notification.</summary>
    KindMismatch = 7,
}
