namespace Microkernel.Abi;

/// <summary>Operations of the debug system call.</summary>
public enum DebugOperation : ulong
{
    /// <summary>Logs the process table (pid, name, state, handles, restarts).</summary>
    DumpProcesses = 0,
    /// <summary>Logs the argument in hex with the caller's pid (a printf of last resort).</summary>
    LogValue = 1,
    /// <summary>The supervisor started everything: argument = services started. The
    /// kernel prints its <c>ready:</c> line once the system is next idle. Supervisor only.</summary>
    Ready = 2,
}
