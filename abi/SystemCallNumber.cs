namespace Microkernel.Abi
{
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

    /// <summary>The negated Linux errno values system calls return.</summary>
    public static class Errno
    {
        /// <summary>Operation not permitted (a supervisor-only call from another process).</summary>
        public const long EPERM = 1;
        /// <summary>No such service image.</summary>
        public const long ENOENT = 2;
        /// <summary>The service image is malformed (refused by the ELF validator).</summary>
        public const long ENOEXEC = 8;
        /// <summary>Bad handle, or a handle of the wrong kind.</summary>
        public const long EBADF = 9;
        /// <summary>No child left to wait for.</summary>
        public const long ECHILD = 10;
        /// <summary>Out of memory.</summary>
        public const long ENOMEM = 12;
        /// <summary>Protection refused (a mapping both writable and executable).</summary>
        public const long EACCES = 13;
        /// <summary>A pointer outside user space or not mapped.</summary>
        public const long EFAULT = 14;
        /// <summary>Already started, or busy.</summary>
        public const long EBUSY = 16;
        /// <summary>A fixed-no-replace mapping would overlap an existing one.</summary>
        public const long EEXIST = 17;
        /// <summary>A bad argument.</summary>
        public const long EINVAL = 22;
        /// <summary>Handle table or process table full.</summary>
        public const long EMFILE = 24;
        /// <summary>The channel's peer closed.</summary>
        public const long EPIPE = 32;
        /// <summary>No such system call.</summary>
        public const long ENOSYS = 38;
        /// <summary>Asked to stop: the system is shutting down (or the supervisor stops this service).</summary>
        public const long ESHUTDOWN = 108;
        /// <summary>A timed wait ran out.</summary>
        public const long ETIMEDOUT = 110;
    }

    /// <summary>Privileges beyond channels, granted per service by its manifest
    /// (<c>rights:</c>) through process_set_rights. The supervisor has them all.</summary>
    [System.Flags]
    public enum ProcessRights : ulong
    {
        /// <summary>None.</summary>
        None = 0,
        /// <summary>May read the kernel's log records (klog).</summary>
        LogRead = 1,
        /// <summary>May write to the log export port (klog).</summary>
        LogExport = 2,
        /// <summary>May power off or reboot the system.</summary>
        Power = 4,
        /// <summary>May read what the host sends on the export port (hostlink).</summary>
        HostLink = 8,
        /// <summary>May write lines straight to the console (klog, mirroring service records).</summary>
        Console = 16,
        /// <summary>Every right.</summary>
        All = LogRead | LogExport | Power | HostLink | Console,
    }

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

    /// <summary>How <c>wait(0)</c> reports: 0 when a notification arrived on any channel
    /// (all are consumed; the service polls its rings), or <see cref="PeerClosedFlag"/> |
    /// handle when that channel's peer closed (reported once per closure).</summary>
    public static class WaitResult
    {
        /// <summary>Set in a wait(0) result that names a channel whose peer closed.</summary>
        public const long PeerClosedFlag = 1L << 32;
    }
}
