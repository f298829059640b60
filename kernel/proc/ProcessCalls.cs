using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Channels;
using Microkernel.Console;

namespace Microkernel.Process
{
    /// <summary>The supervisor's system calls (create processes and channels, grant,
    /// start, wait) and the general ones that act on handles (close, sleep, debug).</summary>
    /// <remarks>Only the process the kernel started as the supervisor may create,
    /// grant or start (everyone else gets EPERM): a service reaches exactly the channels
    /// its manifest grants it. Every pointer is range-checked and copied through nofault.</remarks>
    internal static unsafe class ProcessCalls
    {
        private const int MaxName = 32;

        /// <summary>Set by the supervisor's debug(Ready): the number of services it started.</summary>
        internal static int ReadyServices = -1;

        /// <summary>close(handle).</summary>
        internal static long Close(ulong handle)
        {
            ServiceProcess? process = Threads.CurrentProcess;
            if (process == null) return -Errno.EBADF;
            return process.Close(handle) ? 0 : -Errno.EBADF;
        }

        /// <summary>channel_create(): both ends to the caller.</summary>
        internal static long ChannelCreate()
        {
            ServiceProcess? supervisor = Supervisor(out long error);
            if (supervisor == null) return error;
            Channel? channel = Channel.Create();
            if (channel == null) return -Errno.ENOMEM;
            int client = supervisor.AddUnmappedEnd(channel, ChannelSide.Client);
            int server = client == 0 ? 0 : supervisor.AddUnmappedEnd(channel, ChannelSide.Server);
            if (server == 0)
            {
                if (client != 0) supervisor.Close((ulong)client);
                return -Errno.EMFILE;
            }
            return (long)((uint)client | ((ulong)(uint)server << 32));
        }

        /// <summary>process_create(name, length).</summary>
        internal static long Create(ulong name, ulong length)
        {
            ServiceProcess? supervisor = Supervisor(out long error);
            if (supervisor == null) return error;
            byte* copy = stackalloc byte[MaxName];
            if (!CopyIn(copy, name, length, MaxName, out error)) return error;
            ServiceProcess? child = Processes.Create(new System.ReadOnlySpan<byte>(copy, (int)length), supervisor, out error);
            if (child == null) return -error;
            int handle = supervisor.AddProcess(child);
            if (handle == 0)
            {
                child.Release();
                return -Errno.EMFILE;
            }
            return handle;
        }

        /// <summary>process_grant(process, channel end, peer name | length &lt;&lt; 48, replace).</summary>
        internal static long Grant(ulong processHandle, ulong channelHandle, ulong peer, ulong replace)
        {
            ServiceProcess? supervisor = Supervisor(out long error);
            if (supervisor == null) return error;
            ulong peerLength = peer >> 48, peerAddress = peer & 0xFFFF_FFFF_FFFF;
            byte* name = stackalloc byte[MaxName];
            if (!CopyIn(name, peerAddress, peerLength, MaxName, out error)) return error;
            // Process 0 is the supervisor itself: it keeps an end of its own (its log channel).
            ServiceProcess? target = processHandle == 0 ? supervisor : supervisor.ResolveProcess(processHandle);
            if (target == null || target.Exited) return -Errno.EBADF;
            if (replace >= ServiceProcess.MaxHandles) return -Errno.EBADF;
            if (supervisor.Resolve(channelHandle, out _) == null) return -Errno.EBADF;
            Channel? channel = supervisor.TakeEnd(channelHandle, out ChannelSide side);
            if (channel == null) return -Errno.EBADF;
            long result = target.GrantChannel(channel, side, new System.ReadOnlySpan<byte>(name, (int)peerLength), (int)replace);
            // A refused grant leaves the end with the supervisor, not lost.
            if (result < 0) supervisor.AddUnmappedEnd(channel, side);
            return result;
        }

        /// <summary>process_start(process, restarts).</summary>
        internal static long Start(ulong processHandle, ulong restarts)
        {
            ServiceProcess? supervisor = Supervisor(out long error);
            if (supervisor == null) return error;
            ServiceProcess? child = supervisor.ResolveProcess(processHandle);
            if (child == null) return -Errno.EBADF;
            if (child.Started) return -Errno.EBUSY;
            if (restarts > uint.MaxValue) return -Errno.EINVAL;
            return Processes.Start(child, (uint)restarts) ? 0 : -Errno.ENOMEM;
        }

        /// <summary>Some process was asked to die (process_kill or the shutdown's last resort):
        /// from then on every return to ring 3 checks whether it is the one.</summary>
        internal static bool KillRequested;

        /// <summary>Set by the kernel's shutdown: the supervisor's next process_wait returns
        /// ESHUTDOWN (once), its cue to stop every service in reverse start order.</summary>
        internal static bool ShutdownPending;
        private static bool s_shutdownDelivered;

        /// <summary>process_wait(process or 0, status pointer, timeout in nanoseconds or 0).</summary>
        internal static long Wait(ulong processHandle, ulong statusPointer, ulong timeout)
        {
            ServiceProcess? parent = Threads.CurrentProcess;
            if (parent == null) return -Errno.ECHILD;
            if (statusPointer != 0 && !SystemCalls.IsUserRange(statusPointer, 8)) return -Errno.EFAULT;
            if (processHandle != 0 && parent.ResolveProcess(processHandle) == null) return -Errno.EBADF;
            if (timeout > MaxSleepNanoseconds) return -Errno.EINVAL;
            ulong deadline = timeout == 0 ? ulong.MaxValue : LocalApic.Ticks + TicksFor(timeout);
            while (true)
            {
                if (parent.IsSupervisor && ShutdownPending && !s_shutdownDelivered)
                {
                    s_shutdownDelivered = true;
                    return -Errno.ESHUTDOWN;
                }
                int ended = parent.FindEndedChild(processHandle, out int live);
                if (ended != 0)
                {
                    ServiceProcess child = parent.ResolveProcess((ulong)ended)!;
                    long status = child.ExitStatus;
                    if (statusPointer != 0 && FaultFixups.TryCopy((void*)statusPointer, &status, 8) != 0) return -Errno.EFAULT;
                    Processes.Reap(child);
                    return ended;
                }
                if (live == 0) return -Errno.ECHILD;
                if (LocalApic.Ticks >= deadline) return -Errno.ETIMEDOUT;
                Threads.BlockUntil(parent.ChildKey, deadline);
            }
        }

        /// <summary>process_stop(process): the child's waits and sleeps end with ESHUTDOWN.</summary>
        internal static long Stop(ulong processHandle)
        {
            ServiceProcess? child = Child(processHandle, out long error);
            if (child == null) return error;
            child.RequestStop(kill: false);
            return 0;
        }

        /// <summary>process_kill(process): the child ends at its next kernel entry or tick.</summary>
        internal static long Kill(ulong processHandle)
        {
            ServiceProcess? child = Child(processHandle, out long error);
            if (child == null) return error;
            child.RequestStop(kill: true);
            return 0;
        }

        /// <summary>process_set_rights(process, rights): before the child starts.</summary>
        internal static long SetRights(ulong processHandle, ulong rights)
        {
            ServiceProcess? supervisor = Supervisor(out long error);
            if (supervisor == null) return error;
            ServiceProcess? child = supervisor.ResolveProcess(processHandle);
            if (child == null) return -Errno.EBADF;
            if (child.Started) return -Errno.EBUSY;
            if ((rights & ~(ulong)ProcessRights.All) != 0) return -Errno.EINVAL;
            child.Rights = (ProcessRights)rights;
            return 0;
        }

        /// <summary>system_power(0 power off | 1 reboot): through the ordered shutdown.</summary>
        internal static long SystemPower(ulong operation)
        {
            ServiceProcess? caller = Threads.CurrentProcess;
            if (caller == null || !caller.Has(ProcessRights.Power)) return -Errno.EPERM;
            if (operation > 1) return -Errno.EINVAL;
            Power.Shutdown.Request(operation == 1 ? Power.ShutdownReason.RebootRequest : Power.ShutdownReason.PowerOffRequest);
            return 0;
        }

        /// <summary>kernel_info(buffer, capacity): the figures of abi/KernelFiguresLayout.cs.</summary>
        internal static long KernelInfo(ulong buffer, ulong capacity)
        {
            if (capacity < KernelFiguresLayout.Bytes) return -Errno.EINVAL;
            if (!SystemCalls.IsUserRange(buffer, KernelFiguresLayout.Bytes)) return -Errno.EFAULT;
            ulong* figures = stackalloc ulong[KernelFiguresLayout.Count];
            figures[KernelFiguresLayout.UptimeNanoseconds] = TimeStampCounter.ToMicroseconds(Cpu.ReadTsc()) * 1000;
            figures[KernelFiguresLayout.MemoryTotalKib] = Memory.PhysicalMemory.TotalKib;
            figures[KernelFiguresLayout.MemoryFreeKib] = Memory.PhysicalMemory.FreeKib;
            figures[KernelFiguresLayout.ProcessesLive] = (ulong)Processes.LiveCount();
            figures[KernelFiguresLayout.ProcessesCreated] = (ulong)Processes.Created;
            figures[KernelFiguresLayout.ContextSwitches] = Threads.Switches;
            figures[KernelFiguresLayout.HandOffs] = Threads.HandOffs;
            figures[KernelFiguresLayout.SystemCalls] = SystemCalls.Calls;
            figures[KernelFiguresLayout.Interrupts] = InterruptDispatcher.DeviceInterruptCount;
            figures[KernelFiguresLayout.TimerTicks] = LocalApic.Ticks;
            figures[KernelFiguresLayout.ChannelsCreated] = (ulong)Channel.Created;
            figures[KernelFiguresLayout.LogRecords] = Console.Log.RecordsWritten;
            figures[KernelFiguresLayout.LogDropped] = Console.Log.RecordsDropped;
            if (FaultFixups.TryCopy((void*)buffer, figures, KernelFiguresLayout.Bytes) != 0) return -Errno.EFAULT;
            return KernelFiguresLayout.Bytes;
        }

        /// <summary>service_info(index, buffer, capacity): abi/ServiceInfoLayout.</summary>
        internal static long ServiceInfo(ulong index, ulong buffer, ulong capacity)
        {
            if (capacity < ServiceInfoLayout.Bytes) return -Errno.EINVAL;
            if (!SystemCalls.IsUserRange(buffer, ServiceInfoLayout.Bytes)) return -Errno.EFAULT;
            if (index >= (ulong)ServiceRecords.Count) return -Errno.ENOENT;
            System.ReadOnlySpan<byte> name = ServiceRecords.NameAt((int)index);
            byte* record = stackalloc byte[ServiceInfoLayout.Bytes];
            new System.Span<byte>(record, ServiceInfoLayout.Bytes).Clear();
            *(uint*)(record + ServiceInfoLayout.Starts) = (uint)ServiceRecords.StartsOf(name);
            *(uint*)(record + ServiceInfoLayout.Ends) = (uint)ServiceRecords.ExitsOf(name);
            *(long*)(record + ServiceInfoLayout.LastStatus) = ServiceRecords.LastStatusOf(name);
            *(uint*)(record + ServiceInfoLayout.Running) = (uint)Processes.RunningNamed(name);
            *(uint*)(record + ServiceInfoLayout.NameLength) = (uint)name.Length;
            name.CopyTo(new System.Span<byte>(record + ServiceInfoLayout.Name, ServiceInfoLayout.NameBytes));
            if (FaultFixups.TryCopy((void*)buffer, record, ServiceInfoLayout.Bytes) != 0) return -Errno.EFAULT;
            return ServiceInfoLayout.Bytes;
        }

        /// <summary>Ends the running process if it was killed (called on the way back to
        /// ring 3 from a system call or a timer tick that interrupted ring 3).</summary>
        internal static void EndIfKilled()
        {
            // One load on the system call path until the first kill ever (then the full check).
            if (!KillRequested || !Threads.IsReady) return;
            ServiceProcess? process = Threads.CurrentProcess;
            if (process != null && process.KillRequested && !process.Exited) UserMode.Return(ExitStatus.Killed);
        }

        private static ServiceProcess? Child(ulong processHandle, out long error)
        {
            ServiceProcess? supervisor = Supervisor(out error);
            if (supervisor == null) return null;
            ServiceProcess? child = supervisor.ResolveProcess(processHandle);
            if (child == null || !child.Started) { error = -Errno.EBADF; return null; }
            return child;
        }

        /// <summary>Longest sleep or timed wait: an hour.</summary>
        internal const ulong MaxSleepNanoseconds = 3600UL * 1_000_000_000UL;

        /// <summary>sleep(nanoseconds), rounded up to whole timer ticks (at least one);
        /// ends early with ESHUTDOWN once the process is asked to stop.</summary>
        internal static long Sleep(ulong nanoseconds)
        {
            if (nanoseconds > MaxSleepNanoseconds) return -Errno.EINVAL;
            ServiceProcess? process = Threads.CurrentProcess;
            if (process != null && process.StopRequested) return -Errno.ESHUTDOWN;
            Threads.Sleep(TicksFor(nanoseconds));
            return process != null && process.StopRequested ? -Errno.ESHUTDOWN : 0;
        }

        internal static ulong TicksFor(ulong nanoseconds)
        {
            const ulong NanosecondsPerTick = 1_000_000_000UL / 100;
            return (nanoseconds + NanosecondsPerTick - 1) / NanosecondsPerTick + 1;
        }

        /// <summary>debug(operation, argument).</summary>
        internal static long Debug(ulong operation, ulong argument)
        {
            ServiceProcess? caller = Threads.CurrentProcess;
            switch ((DebugOperation)operation)
            {
                case DebugOperation.DumpProcesses:
                    Processes.Dump();
                    return 0;
                case DebugOperation.LogValue:
                    LogLine line = Log.Begin(LogLevel.Debug, "user"u8);
                    line.Text("pid="u8); line.Decimal(caller == null ? 0 : caller.Pid);
                    line.Text(" value="u8); line.Hex(argument);
                    line.End();
                    return 0;
                case DebugOperation.Ready:
                    if (caller == null || !caller.IsSupervisor) return -Errno.EPERM;
                    if (argument > 1000) return -Errno.EINVAL;
                    ReadyServices = (int)argument;
                    return 0;
                default:
                    return -Errno.EINVAL;
            }
        }

        private static ServiceProcess? Supervisor(out long error)
        {
            ServiceProcess? caller = Threads.CurrentProcess;
            error = caller == null ? -Errno.ENOSYS : -Errno.EPERM;
            return caller != null && caller.IsSupervisor ? caller : null;
        }

        private static bool CopyIn(byte* to, ulong from, ulong length, int capacity, out long error)
        {
            error = 0;
            if (length == 0 || length > (ulong)capacity) { error = -Errno.EINVAL; return false; }
            if (!SystemCalls.IsUserRange(from, length)) { error = -Errno.EFAULT; return false; }
            if (FaultFixups.TryCopy(to, (void*)from, length) != 0) { error = -Errno.EFAULT; return false; }
            return true;
        }
    }
}
