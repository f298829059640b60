namespace Microkernel.Abi;

/// <summary>Exit statuses the kernel gives a process that did not choose its own.</summary>
public static class ExitStatus
{
    /// <summary>Ended by a CPU fault: FaultBase - vector.</summary>
    public const long FaultBase = -0x10000;
    /// <summary>Ended by its runtime (a throw, a fail-fast).</summary>
    public const long FailFast = -0x20000;
    /// <summary>Ended by process_kill (its stop deadline passed).</summary>
    public const long Killed = -0x30000;
}
