namespace Microkernel.Ipc;

/// <summary>Outcome of a ring operation. Expected failures are statuses, never exceptions.</summary>
public enum RingStatus
{
    /// <summary>The operation succeeded.</summary>
    Ok = 0,

    /// <summary>The consumer found no published record.</summary>
    Empty = 1,

    /// <summary>The producer found not enough free space for the record; retry after the consumer releases.</summary>
    Full = 2,

    /// <summary>The record is larger than the ring can ever hold, or larger than the caller's buffer.</summary>
    TooLarge = 3,

    /// <summary>
    /// The peer wrote an impossible index or record length into the shared region. The ring is
    /// unusable from now on (the state is sticky); the owner should tear the channel down.
    /// </summary>
    Corrupt = 4,

    /// <summary>The call itself was wrong (negative length, commit without a claim, bad region).</summary>
    InvalidArgument = 5,
}
