namespace Microkernel.Ipc;

/// <summary>Outcome of <see cref="ServerEndpoint.TryServe"/>.</summary>
public enum ServeStatus
{
    /// <summary>At least one message was handled (answered, rejected with an error reply, or a notification consumed).</summary>
    Ok = 0,

    /// <summary>No request was waiting.</summary>
    Idle = 1,

    /// <summary>The reply ring had no room; the pending request stays queued for the next call.</summary>
    ReplyRingFull = 2,

    /// <summary>The client corrupted the request ring; the channel must be torn down.</summary>
    RequestRingCorrupt = 3,

    /// <summary>The client corrupted the reply ring; the channel must be torn down.</summary>
    ReplyRingCorrupt = 4,
}
