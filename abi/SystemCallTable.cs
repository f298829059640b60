using System;

namespace Microkernel.Abi;

/// <summary>Every system call, declared once: number, ABI name, typed arguments, the right
/// it needs, the errors it returns, its documentation and the kernel handler that answers
/// it. The ABI generator (abi/generator) makes from this the <see cref="SystemCallNumber"/>
/// enum, userlib's <c>SystemCall</c> stubs, the kernel's dispatch switch and
/// abi/SYSCALLS.md. Nothing implements this interface.</summary>
/// <remarks>Calling convention: rax selects, arguments in rdi, rsi, rdx, r10; the
/// result comes back in rax, non-negative on success, a negated Linux errno on error
/// (see <see cref="Errno"/>). Numbers are ABI: never renumber or reuse one.</remarks>
[SystemCallTable]
internal interface ISystemCallTable
{
    /// <summary>exit(status): ends the calling process; never returns.</summary>
    /// <param name="status">The exit status its parent's process_wait reports.</param>
    [SystemCall(0, "exit", Handler = "Microkernel.Process.ThreadCalls.Exit", NoReturn = true)]
    void Exit(long status);

    /// <summary>log(text, length, level): one line to the kernel log (and its record
    /// buffer, which klog reads), at <c>level</c> 0 debug, 1 info, 2 warning, 3 error,
    /// with the calling service's name as the source. The path of last resort: a service
    /// with a channel to klog logs there (contracts' ServiceLog), and falls back here.</summary>
    /// <param name="text">The line (at most 200 bytes, no newline).</param>
    /// <param name="level">Its severity.</param>
    /// <returns>The length written, or -errno.</returns>
    [SystemCall(1, "log", Handler = "Microkernel.Console.ConsoleCalls.Log", Errors = new[] { Errno.EINVAL, Errno.EFAULT })]
    long Log(ReadOnlySpan<byte> text, LogSeverity level);

    /// <summary>clock(): nanoseconds since boot.</summary>
    /// <returns>Nanoseconds since boot.</returns>
    [SystemCall(2, "clock", Handler = "Microkernel.Process.ThreadCalls.Clock", Stub = "ClockNanoseconds")]
    long Clock();

    /// <summary>map(hint, length, protection, flags): anonymous memory.</summary>
    /// <param name="hint">Where to put it (0: anywhere), exact with the fixed flags.</param>
    /// <param name="length">Bytes, rounded up to pages.</param>
    /// <param name="protection">1 read, 2 write, 4 execute (never write and execute).</param>
    /// <param name="flags">1 fixed, 2 fixed-no-replace, 4 populate.</param>
    /// <returns>The address, or -errno.</returns>
    [SystemCall(3, "map", Handler = "Microkernel.Memory.MemoryCalls.Map", Errors = new[] { Errno.EINVAL, Errno.ENOMEM, Errno.EACCES, Errno.EEXIST })]
    long Map(ulong hint, ulong length, ulong protection, ulong flags);

    /// <summary>unmap(address, length): removes a range.</summary>
    /// <param name="address">Page-aligned start.</param>
    /// <param name="length">Bytes.</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(4, "unmap", Handler = "Microkernel.Memory.MemoryCalls.Unmap", Errors = new[] { Errno.EINVAL, Errno.ENOMEM })]
    long Unmap(ulong address, ulong length);

    /// <summary>protect(address, length, protection): changes a range's protection.</summary>
    /// <param name="address">Page-aligned start.</param>
    /// <param name="length">Bytes.</param>
    /// <param name="protection">1 read, 2 write, 4 execute (never write and execute).</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(5, "protect", Handler = "Microkernel.Memory.MemoryCalls.Protect", Errors = new[] { Errno.EINVAL, Errno.ENOMEM, Errno.EACCES })]
    long Protect(ulong address, ulong length, ulong protection);

    /// <summary>yield(): gives the CPU to another ready thread of equal or higher priority.</summary>
    /// <returns>0.</returns>
    [SystemCall(6, "yield", Handler = "Microkernel.Process.ThreadCalls.Yield")]
    long Yield();

    /// <summary>wait(handle, timeout ns): blocks until the channel's peer notifies; -EPIPE
    /// once the peer closed. wait(0, ...) waits on every channel the process holds (see
    /// <see cref="WaitResult"/>). A non-zero timeout ends the wait with -ETIMEDOUT
    /// (rounded up to the timer tick); 0 waits for as long as it takes.</summary>
    /// <param name="handle">The channel end to wait on (0: every channel).</param>
    /// <param name="timeoutNs">Nanoseconds before -ETIMEDOUT (0: no limit).</param>
    /// <returns>0 (or, waiting on every channel, <see cref="WaitResult.PeerClosedFlag"/> |
    /// handle), or -errno.</returns>
    [SystemCall(7, "wait", Handler = "Microkernel.Channels.ChannelCalls.Wait", Errors = new[] { Errno.EBADF, Errno.EINVAL, Errno.EPIPE, Errno.ESHUTDOWN, Errno.ETIMEDOUT })]
    long Wait(ulong handle, ulong timeoutNs = 0);

    /// <summary>notify(handle): wakes the channel's peer (or leaves it a notification).</summary>
    /// <param name="handle">The channel end whose peer to wake.</param>
    /// <returns>0, or -errno (-EPIPE when the peer is gone).</returns>
    [SystemCall(8, "notify", Handler = "Microkernel.Channels.ChannelCalls.Notify", Errors = new[] { Errno.EBADF, Errno.EPIPE })]
    long Notify(ulong handle);

    /// <summary>null(): does nothing; measures the round trip itself.</summary>
    /// <returns>0.</returns>
    [SystemCall(9, "null", Handler = "Microkernel.Syscall.NullCall.Null")]
    long Null();

    /// <summary>close(handle): closes a channel end (its peer sees EPIPE) or drops a
    /// process handle (a running process keeps running).</summary>
    /// <param name="handle">The handle to close.</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(10, "close", Handler = "Microkernel.Process.HandleCalls.Close", Errors = new[] { Errno.EBADF })]
    long Close(ulong handle);

    /// <summary>channel_create(): a new channel whose two ends the caller holds.
    /// Supervisor only.</summary>
    /// <returns>client handle | server handle &lt;&lt; 32, or -errno.</returns>
    [SystemCall(11, "channel_create", Handler = "Microkernel.Process.SupervisorCalls.ChannelCreate", SupervisorOnly = true, Errors = new[] { Errno.EPERM, Errno.ENOMEM, Errno.EMFILE })]
    long ChannelCreate();

    /// <summary>process_create(name, length): loads the carried service image of that
    /// name into a fresh address space, not started. Supervisor only.</summary>
    /// <param name="name">The service's name (at most 32 bytes).</param>
    /// <returns>A process handle, or -errno.</returns>
    [SystemCall(12, "process_create", Handler = "Microkernel.Process.SupervisorCalls.ProcessCreate", SupervisorOnly = true, Errors = new[] { Errno.EPERM, Errno.EINVAL, Errno.EFAULT, Errno.ENOENT, Errno.ENOEXEC, Errno.ENOMEM, Errno.EMFILE })]
    long ProcessCreate(ReadOnlySpan<byte> name);

    /// <summary>process_grant(process, channel end, peer name, replace): moves a channel
    /// end the caller holds into the process, maps its rings there and lists it in the
    /// process's start page under the peer's name. A non-zero replace names a handle the
    /// process already holds, which the new end takes over at the same address
    /// (reconnecting after a peer restarted). Process 0 is the supervisor itself: the end
    /// stays with it, mapped and listed in its own start page (its channel to klog).
    /// Supervisor only.</summary>
    /// <param name="process">The process handle (0: the supervisor itself).</param>
    /// <param name="channel">The channel end to move.</param>
    /// <param name="peerName">The name the end is listed under (at most 32 bytes).</param>
    /// <param name="replace">A handle of the process to take over, or 0.</param>
    /// <returns>The handle number inside the process, or -errno.</returns>
    [SystemCall(13, "process_grant", Handler = "Microkernel.Process.SupervisorCalls.ProcessGrant", SupervisorOnly = true, Errors = new[] { Errno.EPERM, Errno.EINVAL, Errno.EFAULT, Errno.EBADF, Errno.ENOMEM, Errno.EMFILE })]
    long ProcessGrant(ulong process, ulong channel, [PackedLength] ReadOnlySpan<byte> peerName, ulong replace);

    /// <summary>process_start(process, restarts): gives the process its thread;
    /// <c>restarts</c> is written to its start page. Supervisor only.</summary>
    /// <param name="process">A created, not yet started process.</param>
    /// <param name="restarts">How often it was restarted before.</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(14, "process_start", Handler = "Microkernel.Process.SupervisorCalls.ProcessStart", SupervisorOnly = true, Errors = new[] { Errno.EPERM, Errno.EBADF, Errno.EBUSY, Errno.EINVAL, Errno.ENOMEM })]
    long ProcessStart(ulong process, ulong restarts);

    /// <summary>process_wait(process or 0, status pointer, timeout ns): blocks until
    /// that child (0: any child) has ended, reaps it, stores its status; -ECHILD when
    /// nothing is left to wait for; -ETIMEDOUT after a non-zero timeout; -ESHUTDOWN
    /// (once) when the system is shutting down and the supervisor must stop its
    /// services.</summary>
    /// <param name="process">The child's handle, or 0 for any child.</param>
    /// <param name="status">Receives the child's exit status.</param>
    /// <param name="timeoutNanoseconds">Nanoseconds before -ETIMEDOUT (0: no limit).</param>
    /// <returns>The ended child's handle, or -errno.</returns>
    [SystemCall(15, "process_wait", Handler = "Microkernel.Process.ProcessWaitCalls.Wait", Errors = new[] { Errno.EFAULT, Errno.EBADF, Errno.EINVAL, Errno.ECHILD, Errno.ETIMEDOUT, Errno.ESHUTDOWN })]
    long ProcessWait(ulong process, out long status, ulong timeoutNanoseconds = 0);

    /// <summary>sleep(nanoseconds): blocks for at least that long (rounded up to the
    /// timer tick).</summary>
    /// <param name="nanoseconds">How long.</param>
    /// <returns>0, or -errno (-ESHUTDOWN once the process was asked to stop).</returns>
    [SystemCall(16, "sleep", Handler = "Microkernel.Process.ThreadCalls.Sleep", Errors = new[] { Errno.EINVAL, Errno.ESHUTDOWN })]
    long Sleep(ulong nanoseconds);

    /// <summary>debug(operation, argument): see <see cref="DebugOperation"/>.</summary>
    /// <param name="operation">What to do.</param>
    /// <param name="argument">The operation's argument.</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(17, "debug", Handler = "Microkernel.Diagnostics.DiagnosticCalls.Debug", Errors = new[] { Errno.EPERM, Errno.EINVAL })]
    long Debug(DebugOperation operation, ulong argument);

    /// <summary>notify_wait(notify handle, wait handle or 0): notify then wait in one call
    /// (a client's "call", a server's "reply and wait for the next"; wait handle 0 waits
    /// on every channel, as wait(0) does, for a server of many clients). No timeout. On one
    /// CPU the kernel switches straight to the notified peer if it is waiting (the
    /// call/reply fast path).</summary>
    /// <param name="notifyHandle">The channel end whose peer to wake.</param>
    /// <param name="waitHandle">The channel end to wait on (0: every channel).</param>
    /// <returns>As wait; -EBADF for a bad notify handle or non-zero wait handle, -EPIPE
    /// when the notified peer closed.</returns>
    [SystemCall(18, "notify_wait", Handler = "Microkernel.Channels.ChannelCalls.NotifyWait", Errors = new[] { Errno.EBADF, Errno.EPIPE, Errno.ESHUTDOWN })]
    long NotifyWait(ulong notifyHandle, ulong waitHandle);

    /// <summary>process_stop(process): asks a child to end (the analogue of SIGTERM):
    /// from now on its waits and sleeps return -ESHUTDOWN, so it can flush its state and
    /// exit. Supervisor only.</summary>
    /// <param name="process">A started child.</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(19, "process_stop", Handler = "Microkernel.Process.SupervisorCalls.ProcessStop", SupervisorOnly = true, Errors = new[] { Errno.EPERM, Errno.EBADF })]
    long ProcessStop(ulong process);

    /// <summary>process_kill(process): ends a child now, at its next entry to the kernel
    /// or timer tick, with status <see cref="ExitStatus.Killed"/>. Supervisor only.</summary>
    /// <param name="process">A started child.</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(20, "process_kill", Handler = "Microkernel.Process.SupervisorCalls.ProcessKill", SupervisorOnly = true, Errors = new[] { Errno.EPERM, Errno.EBADF })]
    long ProcessKill(ulong process);

    /// <summary>process_set_rights(process, rights): gives a created child the
    /// <see cref="ProcessRights"/> its manifest lists (before it starts). Supervisor only.</summary>
    /// <param name="process">A created, not yet started child.</param>
    /// <param name="rights">Its <see cref="ProcessRights"/> bits.</param>
    /// <returns>0, or -errno.</returns>
    [SystemCall(21, "process_set_rights", Handler = "Microkernel.Process.SupervisorCalls.ProcessSetRights", SupervisorOnly = true, Errors = new[] { Errno.EPERM, Errno.EBADF, Errno.EBUSY, Errno.EINVAL })]
    long ProcessSetRights(ulong process, ulong rights);

    /// <summary>log_read(after sequence, buffer, capacity): copies kernel log records
    /// newer than the sequence number into the buffer (<see cref="KernelLogLayout"/>: a
    /// header, then whole records).</summary>
    /// <param name="afterSequence">The last sequence number already read.</param>
    /// <param name="buffer">Receives the header and records.</param>
    /// <returns>The bytes written, or -errno.</returns>
    [SystemCall(22, "log_read", Handler = "Microkernel.Console.LogCalls.Read", Rights = ProcessRights.LogRead, Errors = new[] { Errno.EPERM, Errno.EINVAL, Errno.EFAULT })]
    long LogRead(ulong afterSequence, Span<byte> buffer);

    /// <summary>log_export(bytes, length): writes bytes to the log export port (the
    /// second serial port).</summary>
    /// <param name="bytes">What to write (at most 4 KiB).</param>
    /// <returns>The bytes written (0 when the machine has no second port), or -errno.</returns>
    [SystemCall(23, "log_export", Handler = "Microkernel.Console.LogCalls.Export", Rights = ProcessRights.LogExport, Errors = new[] { Errno.EPERM, Errno.EINVAL, Errno.EFAULT })]
    long LogExport(ReadOnlySpan<byte> bytes);

    /// <summary>system_power(operation): 0 = power off, 1 = reboot, through the ordered
    /// shutdown.</summary>
    /// <param name="operation">0 power off, 1 reboot.</param>
    /// <returns>0 (the shutdown has begun), or -errno.</returns>
    [SystemCall(24, "system_power", Handler = "Microkernel.Power.PowerCalls.SystemPower", Rights = ProcessRights.Power, Errors = new[] { Errno.EPERM, Errno.EINVAL })]
    long SystemPower(ulong operation);

    /// <summary>kernel_info(buffer, capacity): the kernel's figures
    /// (<see cref="KernelFiguresLayout"/>).</summary>
    /// <param name="buffer">Receives the figures.</param>
    /// <returns>The bytes written, or -errno.</returns>
    [SystemCall(25, "kernel_info", Handler = "Microkernel.Diagnostics.DiagnosticCalls.KernelInfo", Errors = new[] { Errno.EINVAL, Errno.EFAULT })]
    long KernelInfo(Span<byte> buffer);

    /// <summary>host_read(buffer, capacity): takes the bytes the host has sent on the
    /// log export port (the second serial port's receive side) without waiting.</summary>
    /// <param name="buffer">Receives them (at most 512 bytes).</param>
    /// <returns>How many (0 when none), or -errno.</returns>
    [SystemCall(26, "host_read", Handler = "Microkernel.Console.HostLinkCalls.Read", Rights = ProcessRights.HostLink, Errors = new[] { Errno.EPERM, Errno.EINVAL, Errno.EFAULT })]
    long HostRead(Span<byte> buffer);

    /// <summary>service_info(index, buffer, capacity): what the kernel knows of the
    /// index-th service it has started (<see cref="ServiceInfoLayout"/>).</summary>
    /// <param name="index">Which service, in start order from 0.</param>
    /// <param name="buffer">Receives the record.</param>
    /// <returns>The bytes written, or -errno (-ENOENT past the last).</returns>
    [SystemCall(27, "service_info", Handler = "Microkernel.Process.ServiceInfoCalls.ServiceInfo", Errors = new[] { Errno.EINVAL, Errno.EFAULT, Errno.ENOENT })]
    long ServiceInfo(ulong index, Span<byte> buffer);

    /// <summary>console_write(text, length): one line straight to the console (the first
    /// serial port), not into the kernel's record buffer: how klog shows the records
    /// services send it. Control characters are shown as '?'.</summary>
    /// <param name="line">The line (at most 560 bytes, no newline).</param>
    /// <returns>The length written, or -errno.</returns>
    [SystemCall(28, "console_write", Handler = "Microkernel.Console.ConsoleCalls.ConsoleWrite", Rights = ProcessRights.Console, Errors = new[] { Errno.EPERM, Errno.EINVAL, Errno.EFAULT })]
    long ConsoleWrite(ReadOnlySpan<byte> line);
}
