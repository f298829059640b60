namespace Microkernel.Abi;

/// <summary>How <c>wait(0)</c> reports: 0 when a notification arrived on any channel
/// (all are consumed; the service polls its rings), or <see cref="PeerClosedFlag"/> |
/// handle when that channel's peer closed (reported once per closure).</summary>
public static class WaitResult
{
    /// <summary>Set in a wait(0) result that names a channel whose peer closed.</summary>
    public const long PeerClosedFlag = 1L << 32;
}
