using Microkernel.Abi;
using System.Runtime.InteropServices;

namespace Microkernel.UserRuntime
{
    /// <summary>The kernel's system calls as seen from a service (numbers from
    /// abi/SystemCallNumber.cs, shared with the kernel). Results: non-negative on success,
    /// a negated errno (abi/Errno) on error.</summary>
    public static unsafe class SystemCall
    {
        [DllImport("*", EntryPoint = "mk_user_syscall"), SuppressGCTransition]
        private static extern long Raw(ulong number, ulong a0, ulong a1, ulong a2, ulong a3);

        /// <summary>Any system call with raw arguments (for tests that must pass what the
        /// typed stubs cannot express: kernel pointers, unknown numbers).</summary>
        public static long Call(SystemCallNumber number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0) =>
            Raw((ulong)number, a0, a1, a2, a3);

        /// <summary>Ends the service with <paramref name="status"/>; never returns.</summary>
        public static void Exit(long status)
        {
            Call(SystemCallNumber.Exit, (ulong)status);
            while (true) { }
        }

        /// <summary>Writes one line to the kernel log at info, with this service's name as the
        /// source; returns the length or -errno. Services with a channel to klog log through
        /// contracts' ServiceLog, which falls back to this.</summary>
        public static long Log(System.ReadOnlySpan<byte> text) => Log(text, LogSeverity.Info);

        /// <summary>Writes one line to the kernel log at <paramref name="level"/>.</summary>
        public static long Log(System.ReadOnlySpan<byte> text, LogSeverity level)
        {
            fixed (byte* p = text) return Call(SystemCallNumber.Log, (ulong)p, (ulong)text.Length, (ulong)level);
        }

        /// <summary>Writes one line straight to the console, unrecorded (needs the console
        /// right: klog's mirror of service records); the length or -errno.</summary>
        public static long ConsoleWrite(System.ReadOnlySpan<byte> line)
        {
            fixed (byte* p = line) return Call(SystemCallNumber.ConsoleWrite, (ulong)p, (ulong)line.Length);
        }

        /// <summary>Nanoseconds since boot.</summary>
        public static long ClockNanoseconds() => Call(SystemCallNumber.Clock);

        /// <summary>Anonymous memory (protection: 1 read, 2 write, 4 execute); the address or -errno.</summary>
        public static long Map(ulong hint, ulong length, ulong protection, ulong flags) => Call(SystemCallNumber.Map, hint, length, protection, flags);

        /// <summary>Removes a range.</summary>
        public static long Unmap(ulong address, ulong length) => Call(SystemCallNumber.Unmap, address, length);

        /// <summary>Changes a range's protection.</summary>
        public static long Protect(ulong address, ulong length, ulong protection) => Call(SystemCallNumber.Protect, address, length, protection);

        /// <summary>Gives up the CPU.</summary>
        public static long Yield() => Call(SystemCallNumber.Yield);

        /// <summary>Blocks until the channel's peer notifies; 0, or -EPIPE once the peer is
        /// gone; with a non-zero <paramref name="timeoutNs"/>, -ETIMEDOUT when it runs out.</summary>
        public static long Wait(ulong handle, ulong timeoutNs = 0) => Call(SystemCallNumber.Wait, handle, timeoutNs);

        /// <summary>Blocks until any channel this service holds is notified (0) or a peer
        /// closed (<see cref="WaitResult.PeerClosedFlag"/> | handle, once per closure); with a
        /// non-zero <paramref name="timeoutNs"/>, -ETIMEDOUT when it runs out.</summary>
        public static long WaitAny(ulong timeoutNs = 0) => Call(SystemCallNumber.Wait, 0, timeoutNs);

        /// <summary>Wakes the channel's peer; 0, or -EPIPE when it is gone.</summary>
        public static long Notify(ulong handle) => Call(SystemCallNumber.Notify, handle);

        /// <summary>Notifies <paramref name="notifyHandle"/>'s peer and waits on
        /// <paramref name="waitHandle"/> in one call; the kernel switches straight to a
        /// waiting peer on the same CPU. Results as <see cref="Wait"/>.</summary>
        public static long NotifyWait(ulong notifyHandle, ulong waitHandle) => Call(SystemCallNumber.NotifyWait, notifyHandle, waitHandle);

        /// <summary>notify_wait(handle, 0): notifies <paramref name="notifyHandle"/>'s peer, then waits
        /// on every channel (as <see cref="WaitAny"/> with no timeout), switching straight to the peer
        /// if it is waiting: a server's reply and wait for the next request from any client.</summary>
        public static long NotifyWaitAny(ulong notifyHandle) => Call(SystemCallNumber.NotifyWait, notifyHandle, 0);

        /// <summary>Does nothing in the kernel: the cost of the round trip itself.</summary>
        public static long Null() => Call(SystemCallNumber.Null);

        /// <summary>Closes a handle.</summary>
        public static long Close(ulong handle) => Call(SystemCallNumber.Close, handle);

        /// <summary>A new channel (supervisor only): client handle | server handle &lt;&lt; 32, or -errno.</summary>
        public static long ChannelCreate() => Call(SystemCallNumber.ChannelCreate);

        /// <summary>Loads a carried service image as a new process, not started (supervisor only).</summary>
        public static long ProcessCreate(System.ReadOnlySpan<byte> name)
        {
            fixed (byte* p = name) return Call(SystemCallNumber.ProcessCreate, (ulong)p, (ulong)name.Length);
        }

        /// <summary>Moves channel end <paramref name="channel"/> into <paramref name="process"/>,
        /// listed under <paramref name="peerName"/>; with <paramref name="replace"/> non-zero it
        /// takes over that handle of the process. Returns the handle inside the process.</summary>
        public static long ProcessGrant(ulong process, ulong channel, System.ReadOnlySpan<byte> peerName, ulong replace)
        {
            fixed (byte* p = peerName) return Call(SystemCallNumber.ProcessGrant, process, channel, (ulong)p | ((ulong)peerName.Length << 48), replace);
        }

        /// <summary>Starts a created process, telling it how often it was restarted.</summary>
        public static long ProcessStart(ulong process, ulong restarts) => Call(SystemCallNumber.ProcessStart, process, restarts);

        /// <summary>Waits for a child (0: any) to end; its handle, status in <paramref name="status"/>;
        /// -ETIMEDOUT after <paramref name="timeoutNanoseconds"/> (0 = no limit); -ESHUTDOWN
        /// (supervisor, once) when the system is going down.</summary>
        public static long ProcessWait(ulong process, out long status, ulong timeoutNanoseconds = 0)
        {
            long s = 0;
            long result = Call(SystemCallNumber.ProcessWait, process, (ulong)&s, timeoutNanoseconds);
            status = s;
            return result;
        }

        /// <summary>Asks a child to stop: its waits and sleeps return -ESHUTDOWN (supervisor only).</summary>
        public static long ProcessStop(ulong process) => Call(SystemCallNumber.ProcessStop, process);

        /// <summary>Gives a created child its manifest's rights (abi ProcessRights; supervisor only).</summary>
        public static long ProcessSetRights(ulong process, ulong rights) => Call(SystemCallNumber.ProcessSetRights, process, rights);

        /// <summary>Powers off (0) or reboots (1) through the ordered shutdown (needs the power right).</summary>
        public static long SystemPower(ulong operation) => Call(SystemCallNumber.SystemPower, operation);

        /// <summary>The kernel's figures (abi/KernelFiguresLayout.cs) into <paramref name="buffer"/>.</summary>
        public static long KernelInfo(System.Span<byte> buffer)
        {
            fixed (byte* p = buffer) return Call(SystemCallNumber.KernelInfo, (ulong)p, (ulong)buffer.Length);
        }

        /// <summary>Copies the kernel's log records with a sequence above <paramref name="afterSequence"/>
        /// into <paramref name="buffer"/> (abi/KernelLogLayout.cs: a header, then whole records);
        /// the bytes written or -errno (EPERM without the log-read right).</summary>
        public static long LogRead(ulong afterSequence, System.Span<byte> buffer)
        {
            fixed (byte* p = buffer) return Call(SystemCallNumber.LogRead, afterSequence, (ulong)p, (ulong)buffer.Length);
        }

        /// <summary>Takes what the host has sent on the export port, without waiting: the
        /// bytes read (0 when none), or -errno (EPERM without the host-link right).</summary>
        public static long HostRead(System.Span<byte> buffer)
        {
            fixed (byte* p = buffer) return Call(SystemCallNumber.HostRead, (ulong)p, (ulong)buffer.Length);
        }

        /// <summary>Writes bytes to the log export port (the second serial port); the bytes
        /// written (0 when the machine has none) or -errno (EPERM without the log-export right).</summary>
        public static long LogExport(System.ReadOnlySpan<byte> bytes)
        {
            fixed (byte* p = bytes) return Call(SystemCallNumber.LogExport, (ulong)p, (ulong)bytes.Length);
        }

        /// <summary>What the kernel knows of its index-th service (abi/ServiceInfoLayout), or -ENOENT.</summary>
        public static long ServiceInfo(ulong index, System.Span<byte> buffer)
        {
            fixed (byte* p = buffer) return Call(SystemCallNumber.ServiceInfo, index, (ulong)p, (ulong)buffer.Length);
        }

        /// <summary>Ends a child now (supervisor only).</summary>
        public static long ProcessKill(ulong process) => Call(SystemCallNumber.ProcessKill, process);

        /// <summary>Sleeps at least <paramref name="nanoseconds"/>.</summary>
        public static long Sleep(ulong nanoseconds) => Call(SystemCallNumber.Sleep, nanoseconds);

        /// <summary>The debug call (abi/DebugOperation).</summary>
        public static long Debug(DebugOperation operation, ulong argument) => Call(SystemCallNumber.Debug, (ulong)operation, argument);

        /// <summary>The time-stamp counter, read in ring 3.</summary>
        [DllImport("*", EntryPoint = "mk_user_rdtsc"), SuppressGCTransition]
        public static extern ulong ReadTsc();
    }
}
