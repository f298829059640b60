namespace Microkernel.Abi
{
    /// <summary>The system call table, one definition for both sides: the kernel's
    /// dispatcher (kernel/arch/x86_64/SystemCalls.cs) and the services' stubs
    /// (sdk/userlib/SystemCall.cs) compile this same file.</summary>
    /// <remarks>Calling convention: rax selects, arguments in rdi, rsi, rdx, r10; the
    /// result comes back in rax, non-negative on success, a negated Linux errno on error
    /// (see <see cref="Errno"/>).</remarks>
    public enum SystemCallNumber : ulong
    {
        /// <summary>exit(status): ends the calling process; never returns.</summary>
        Exit = 0,
        /// <summary>log(text, length, level): one line to the kernel log (and its record
        /// buffer, which klog reads), at <c>level</c> 0 debug, 1 info, 2 warning, 3 error,
        /// with the calling service's name as the source. The path of last resort: a service
        /// with a channel to klog logs there (contracts' ServiceLog), and falls back here.</summary>
        Log = 1,
        /// <summary>clock(): nanoseconds since boot.</summary>
        Clock = 2,
        /// <summary>map(hint, length, protection, flags): anonymous memory; returns the address.</summary>
        Map = 3,
        /// <summary>unmap(address, length).</summary>
        Unmap = 4,
        /// <summary>protect(address, length, protection).</summary>
        Protect = 5,
        /// <summary>yield(): gives the CPU to another ready thread of equal or higher priority.</summary>
        Yield = 6,
        /// <summary>wait(handle, timeout ns): blocks until the channel's peer notifies; -EPIPE
        /// once the peer closed. wait(0, ...) waits on every channel the process holds (see
        /// <see cref="WaitResult"/>). A non-zero timeout ends the wait with -ETIMEDOUT
        /// (rounded up to the timer tick); 0 waits for as long as it takes.</summary>
        Wait = 7,
        /// <summary>notify(handle): wakes the channel's peer (or leaves it a notification).</summary>
        Notify = 8,
        /// <summary>null(): does nothing; measures the round trip itself.</summary>
        Null = 9,
        /// <summary>close(handle): closes a channel end (its peer sees EPIPE) or drops a
        /// process handle (a running process keeps running).</summary>
        Close = 10,
        /// <summary>channel_create(): a new channel whose two ends the caller holds; returns
        /// client handle | server handle &lt;&lt; 32. Supervisor only.</summary>
        ChannelCreate = 11,
        /// <summary>process_create(name, length): loads the carried service image of that
        /// name into a fresh address space, not started; returns a process handle.
        /// Supervisor only.</summary>
        ProcessCreate = 12,
        /// <summary>process_grant(process, channel end, peer name, replace): moves a channel
        /// end the caller holds into the process, maps its rings there and lists it in the
        /// process's start page under the peer's name; returns the handle number inside the
        /// process. A non-zero replace names a handle the process already holds, which the
        /// new end takes over at the same address (reconnecting after a peer restarted).
        /// Process 0 is the supervisor itself: the end stays with it, mapped and listed in its
        /// own start page (its channel to klog). Supervisor only.</summary>
        ProcessGrant = 13,
        /// <summary>process_start(process, restarts): gives the process its thread;
        /// <c>restarts</c> is written to its start page. Supervisor only.</summary>
        ProcessStart = 14,
        /// <summary>process_wait(process or 0, status pointer, timeout ns): blocks until
        /// that child (0: any child) has ended, reaps it, stores its status; returns its
        /// handle; -ECHILD when nothing is left to wait for; -ETIMEDOUT after a non-zero
        /// timeout; -ESHUTDOWN (once) when the system is shutting down and the supervisor
        /// must stop its services.</summary>
        ProcessWait = 15,
        /// <summary>sleep(nanoseconds): blocks for at least that long (rounded up to the
        /// timer tick).</summary>
        Sleep = 16,
        /// <summary>debug(operation, argument): see <see cref="DebugOperation"/>.</summary>
        Debug = 17,
        /// <summary>notify_wait(notify handle, wait handle or 0): notify then wait in one call
        /// (a client's "call", a server's "reply and wait for the next"; wait handle 0 waits
        /// on every channel, as wait(0) does, for a server of many clients). No timeout. On one
        /// CPU the kernel switches straight to the notified peer if it is waiting (the
        /// call/reply fast path). Errors: -EBADF (notify handle, or a non-zero wait handle),
        /// -EPIPE (the notified peer closed); otherwise results as wait.</summary>
        NotifyWait = 18,
        /// <summary>process_stop(process): asks a child to end (the analogue of SIGTERM):
        /// from now on its waits and sleeps return -ESHUTDOWN, so it can flush its state and
        /// exit. Supervisor only.</summary>
        ProcessStop = 19,
        /// <summary>process_kill(process): ends a child now, at its next entry to the kernel
        /// or timer tick, with status <see cref="ExitStatus.Killed"/>. Supervisor only.</summary>
        ProcessKill = 20,
        /// <summary>process_set_rights(process, rights): gives a created child the
        /// <see cref="ProcessRights"/> its manifest lists (before it starts). Supervisor only.</summary>
        ProcessSetRights = 21,
        /// <summary>log_read(after sequence, buffer, capacity): copies kernel log records
        /// newer than the sequence number into the buffer (<see cref="KernelLogLayout"/>);
        /// returns the bytes written. Needs <see cref="ProcessRights.LogRead"/>.</summary>
        LogRead = 22,
        /// <summary>log_export(bytes, length): writes bytes to the log export port (the
        /// second serial port). Needs <see cref="ProcessRights.LogExport"/>.</summary>
        LogExport = 23,
        /// <summary>system_power(operation): 0 = power off, 1 = reboot, through the ordered
        /// shutdown. Needs <see cref="ProcessRights.Power"/>.</summary>
        SystemPower = 24,
        /// <summary>kernel_info(buffer, capacity): the kernel's figures
        /// (<see cref="KernelFiguresLayout"/>); returns the bytes written.</summary>
        KernelInfo = 25,
        /// <summary>host_read(buffer, capacity): takes the bytes the host has sent on the
        /// log export port (the second serial port's receive side) without waiting; returns
        /// how many. Needs <see cref="ProcessRights.HostLink"/>.</summary>
        HostRead = 26,
        /// <summary>service_info(index, buffer, capacity): what the kernel knows of the
        /// index-th service it has started (<see cref="ServiceInfoLayout"/>); the bytes
        /// written, or -ENOENT past the last.</summary>
        ServiceInfo = 27,
        /// <summary>console_write(text, length): one line straight to the console (the first
        /// serial port), not into the kernel's record buffer: how klog shows the records
        /// services send it. Control characters are shown as '?'. Needs
        /// <see cref="ProcessRights.Console"/>.</summary>
        ConsoleWrite = 28,
        /// <summary>Number of calls.</summary>
        Count = 29,
    }

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
        /// <summary>A pointer outside user space or not mapped.</summary>
        public const long EFAULT = 14;
        /// <summary>Already started, or busy.</summary>
        public const long EBUSY = 16;
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
