using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Channels;
using Microkernel.Console;
using Microkernel.Diagnostics;
using Microkernel.Memory;
using Microkernel.Power;
using Microkernel.Process;
using Microkernel.Scheduling;

namespace Microkernel.Syscall;

/// <summary>The native system call table: the number in the frame picks the handler, which
/// lives with its room (process calls in proc, channel calls in ipc, power in power,
/// diagnostics in diag, log/console/host-read in console, memory in mm).</summary>
/// <remarks>Arch-neutral: the entry (usermode.asm) and the frame layout
/// (<see cref="SystemCallFrame"/>) are arch's. Every handler is a static method with typed
/// arguments returning <see cref="SystemCallResult"/>; an unknown number is ENOSYS.</remarks>
internal static unsafe class SystemCallDispatcher
{
    /// <summary>System calls made since boot (kernel_info's figure).</summary>
    internal static ulong Calls;

    [UnmanagedCallersOnly(EntryPoint = "mk_syscall_dispatch")]
    private static long Dispatch(SystemCallFrame* frame)
    {
        Calls++;
        long result = Call(frame).Raw;
        // A process killed while it was in here never returns to ring 3 (one load of a
        // flag until the first kill ever).
        if (Threads.KillPending)
        {
            Threads.EndIfKilled();
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SystemCallResult Call(SystemCallFrame* frame)
    {
        switch ((SystemCallNumber)frame->Number)
        {
            case SystemCallNumber.Exit: return ThreadCalls.Exit((long)frame->Rdi);
            case SystemCallNumber.Log: return ConsoleCalls.Log(frame->Rdi, frame->Rsi, frame->Rdx);
            case SystemCallNumber.Clock: return ThreadCalls.Clock();
            case SystemCallNumber.Map: return MemoryCalls.Map(frame->Rdi, frame->Rsi, frame->Rdx, frame->R10);
            case SystemCallNumber.Unmap: return MemoryCalls.Unmap(frame->Rdi, frame->Rsi);
            case SystemCallNumber.Protect: return MemoryCalls.Protect(frame->Rdi, frame->Rsi, frame->Rdx);
            case SystemCallNumber.Yield: return ThreadCalls.Yield();
            case SystemCallNumber.Wait: return ChannelCalls.Wait(frame->Rdi, frame->Rsi);
            case SystemCallNumber.Notify: return ChannelCalls.Notify(frame->Rdi);
            case SystemCallNumber.Null: return NullCall.Null();
            case SystemCallNumber.NotifyWait: return ChannelCalls.NotifyWait(frame->Rdi, frame->Rsi);
            case SystemCallNumber.Close: return HandleCalls.Close(frame->Rdi);
            case SystemCallNumber.ChannelCreate: return SupervisorCalls.ChannelCreate();
            case SystemCallNumber.ProcessCreate: return SupervisorCalls.ProcessCreate(frame->Rdi, frame->Rsi);
            case SystemCallNumber.ProcessGrant: return SupervisorCalls.ProcessGrant(frame->Rdi, frame->Rsi, frame->Rdx, frame->R10);
            case SystemCallNumber.ProcessStart: return SupervisorCalls.ProcessStart(frame->Rdi, frame->Rsi);
            case SystemCallNumber.ProcessWait: return ProcessWaitCalls.Wait(frame->Rdi, frame->Rsi, frame->Rdx);
            case SystemCallNumber.ProcessStop: return SupervisorCalls.ProcessStop(frame->Rdi);
            case SystemCallNumber.ProcessKill: return SupervisorCalls.ProcessKill(frame->Rdi);
            case SystemCallNumber.ProcessSetRights: return SupervisorCalls.ProcessSetRights(frame->Rdi, frame->Rsi);
            case SystemCallNumber.LogRead: return LogCalls.Read(frame->Rdi, frame->Rsi, frame->Rdx);
            case SystemCallNumber.LogExport: return LogCalls.Export(frame->Rdi, frame->Rsi);
            case SystemCallNumber.SystemPower: return PowerCalls.SystemPower(frame->Rdi);
            case SystemCallNumber.KernelInfo: return DiagnosticCalls.KernelInfo(frame->Rdi, frame->Rsi);
            case SystemCallNumber.ServiceInfo: return ServiceInfoCalls.ServiceInfo(frame->Rdi, frame->Rsi, frame->Rdx);
            case SystemCallNumber.ConsoleWrite: return ConsoleCalls.ConsoleWrite(frame->Rdi, frame->Rsi);
            case SystemCallNumber.HostRead: return HostLinkCalls.Read(frame->Rdi, frame->Rsi);
            case SystemCallNumber.Sleep: return ThreadCalls.Sleep(frame->Rdi);
            case SystemCallNumber.Debug: return DiagnosticCalls.Debug(frame->Rdi, frame->Rsi);
            default: return SystemCallResult.Fail(Errno.ENOSYS);
        }
    }
}
