using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Channels;
using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Process;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Diagnostics;

/// <summary>The diagnostic system calls: debug (process dump, a value in the log, the
/// supervisor's "ready") and kernel_info (the kernel's figures).</summary>
internal static unsafe class DiagnosticCalls
{
    /// <summary>Set by the supervisor's debug(Ready): the number of services it started
    /// (-1 until then); the idle thread prints the ready line once it is set.</summary>
    internal static int ReadyServices = -1;

    /// <summary>debug(operation, argument): see <see cref="DebugOperation"/>.</summary>
    internal static SystemCallResult Debug(ulong operation, ulong argument)
    {
        ServiceProcess? caller = RunningProcess.Current;
        switch ((DebugOperation)operation)
        {
            case DebugOperation.DumpProcesses:
                Processes.Dump();
                return SystemCallResult.Success;
            case DebugOperation.LogValue:
                LogLine line = Log.Begin(LogLevel.Debug, "user"u8);
                line.Text("pid="u8);
                line.Decimal(caller == null ? 0 : caller.Pid);
                line.Text(" value="u8);
                line.Hex(argument);
                line.End();
                return SystemCallResult.Success;
            case DebugOperation.Ready:
                if (caller == null || !caller.IsSupervisor)
                {
                    return SystemCallResult.Fail(Errno.EPERM);
                }

                if (argument > 1000)
                {
                    return SystemCallResult.Fail(Errno.EINVAL);
                }

                ReadyServices = (int)argument;
                return SystemCallResult.Success;
            default:
                return SystemCallResult.Fail(Errno.EINVAL);
        }
    }

    /// <summary>kernel_info(buffer, capacity): the figures of abi/KernelFiguresLayout.cs; the
    /// bytes written.</summary>
    internal static SystemCallResult KernelInfo(ulong buffer, ulong capacity)
    {
        if (capacity < KernelFiguresLayout.Bytes)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (!UserMemory.IsUserRange(buffer, KernelFiguresLayout.Bytes))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        ulong* figures = stackalloc ulong[KernelFiguresLayout.Count];
        figures[KernelFiguresLayout.UptimeNanoseconds] = TimeStampCounter.ToMicroseconds(Cpu.ReadTsc()) * 1000;
        figures[KernelFiguresLayout.MemoryTotalKib] = PhysicalMemory.TotalKib;
        figures[KernelFiguresLayout.MemoryFreeKib] = PhysicalMemory.FreeKib;
        figures[KernelFiguresLayout.ProcessesLive] = (ulong)Processes.LiveCount();
        figures[KernelFiguresLayout.ProcessesCreated] = (ulong)Processes.Created;
        figures[KernelFiguresLayout.ContextSwitches] = Threads.Switches;
        figures[KernelFiguresLayout.HandOffs] = Threads.HandOffs;
        figures[KernelFiguresLayout.SystemCalls] = SystemCallDispatcher.Calls;
        figures[KernelFiguresLayout.Interrupts] = InterruptDispatcher.DeviceInterruptCount;
        figures[KernelFiguresLayout.TimerTicks] = LocalApic.Ticks;
        figures[KernelFiguresLayout.ChannelsCreated] = (ulong)Channel.Created;
        figures[KernelFiguresLayout.LogRecords] = Log.RecordsWritten;
        figures[KernelFiguresLayout.LogDropped] = Log.RecordsDropped;
        if (FaultFixups.TryCopy((void*)buffer, figures, KernelFiguresLayout.Bytes) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        return SystemCallResult.Ok(KernelFiguresLayout.Bytes);
    }
}
