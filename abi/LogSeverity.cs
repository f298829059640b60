namespace Microkernel.Abi;

/// <summary>Severity of a log line (log's level argument), lowest first; the same values
/// as the kernel's own levels and klog's <c>KlogLevel</c>.</summary>
public enum LogSeverity : ulong
{
    /// <summary>Detail for developers (below the console's threshold).</summary>
    Debug = 0,
    /// <summary>Normal progress.</summary>
    Info = 1,
    /// <summary>Something is off but work goes on.</summary>
    Warning = 2,
    /// <summary>Something failed.</summary>
    Error = 3,
}
