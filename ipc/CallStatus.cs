namespace Microkernel.Ipc;

/// <summary>Outcome of a client-side operation on a <see cref="ClientEndpoint"/>.</summary>
public enum CallStatus
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>No reply is waiting.</summary>
    NoReply = 1,

    /// <summary>The request ring has no room right now; retry after the server catches up.</summary>
    RequestRingFull = 2,

    /// <summary>The encoded body exceeded the endpoint's maximum request body.</summary>
    BodyTooLarge = 3,

    /// <summary>Too many requests are awaiting replies; receive some first.</summary>
    TooManyOutstanding = 4,

    /// <summary>A ring was corrupted by the peer; the channel must be torn down.</summary>
    RingCorrupt = 5,

    /// <summary>
    /// A reply arrived that matches no outstanding request (unknown request id, wrong message id
    /// or contract, wrong kind, or a header that disagrees with its record). It was dropped.
    /// </summary>
    UnexpectedReply = 6,

    /// <summary>End without Begin, or a writer that is not the one Begin returned.</summary>
    InvalidState = 7,
}
