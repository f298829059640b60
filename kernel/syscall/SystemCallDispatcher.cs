using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Process;
using Microkernel.Scheduling;

namespace Microkernel.Syscall;

/// <summary>The native system call table: the number in the frame picks the handler, which
/// lives with its room (process calls in proc, channel calls in ipc, power in power,
/// diagnostics in diag, log/console/host-read in console, memory in mm). Which handler
/// answers which number, with which right, is declared in abi/SystemCallTable.cs; the
/// switch is generated from it.</summary>
/// <remarks>Arch-neutral: the entry (usermode.asm) and the frame layout
/// (<see cref="SystemCallFrame"/>) are arch's. Every handler is a static method with typed
/// arguments returning <see cref="SystemCallResult"/>; an unknown number is ENOSYS.</remarks>
[SystemCallDispatcher]
internal static unsafe partial class SystemCallDispatcher
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

    /// <summary>The switch from number to handler, generated from abi/SystemCallTable.cs by
    /// the ABI generator (abi/generator): each declared call's handler with its argument
    /// registers, the declared right checked first (<see cref="CallerHas"/>), -ENOSYS for
    /// unknown numbers; inlined into <see cref="Dispatch"/>.</summary>
    private static partial SystemCallResult Call(SystemCallFrame* frame);

    /// <summary>True when the calling process holds <paramref name="right"/>: the generated
    /// dispatch's check for calls that declare one (-EPERM otherwise, before the handler).</summary>
    private static bool CallerHas(ProcessRights right)
    {
        ServiceProcess? caller = RunningProcess.Current;
        return caller != null && caller.Has(right);
    }
}
