namespace Microkernel.Ipc;

/// <summary>Outcome of handing one message body to a generated dispatcher.</summary>
public enum DispatchStatus
{
    /// <summary>The handler ran; for requests the reply body was written.</summary>
    Ok = 0,

    /// <summary>No method with that message id.</summary>
    UnknownMessage = 1,

    /// <summary>The body did not decode as the method's request type (or had trailing bytes).</summary>
    MalformedBody = 2,

    /// <summary>The reply did not fit the reply buffer.</summary>
    ReplyTooLarge = 3,

    /// <summary>Request sent to a one-way method or notification sent to a request method.</summary>
    KindMismatch = 4,
}
