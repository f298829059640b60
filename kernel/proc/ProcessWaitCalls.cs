using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Memory;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>process_wait: a parent waits for a child to end and reaps it; and the
/// supervisor's cue that the system is shutting down.</summary>
internal static unsafe class ProcessWaitCalls
{
    /// <summary>Set by the kernel's shutdown: the supervisor's next process_wait returns
    /// ESHUTDOWN (once), its cue to stop every service in reverse start order.</summary>
    internal static bool ShutdownPending;

    private static bool s_shutdownDelivered;

    /// <summary>process_wait(process or 0, status pointer, timeout in nanoseconds or 0): the
    /// ended child's handle, its status stored; ECHILD when nothing is left to wait for.</summary>
    internal static SystemCallResult Wait(ulong processHandle, ulong statusPointer, ulong timeout)
    {
        ServiceProcess? parent = RunningProcess.Current;
        if (parent == null)
        {
            return SystemCallResult.Fail(Errno.ECHILD);
        }

        if (statusPointer != 0 && !UserMemory.IsUserRange(statusPointer, 8))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        if (processHandle != 0 && parent.ResolveProcess(processHandle) == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        if (timeout > Timeouts.MaxNanoseconds)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        ulong deadline = timeout == 0 ? ulong.MaxValue : LocalApic.Ticks + Timeouts.TicksFor(timeout);
        while (true)
        {
            if (parent.IsSupervisor && ShutdownPending && !s_shutdownDelivered)
            {
                s_shutdownDelivered = true;
                return SystemCallResult.Fail(Errno.ESHUTDOWN);
            }

            int ended = parent.FindEndedChild(processHandle, out int live);
            if (ended != 0)
            {
                ServiceProcess child = parent.ResolveProcess((ulong)ended)!;
                long status = child.ExitStatus;
                if (statusPointer != 0 && FaultFixups.TryCopy((void*)statusPointer, &status, 8) != 0)
                {
                    return SystemCallResult.Fail(Errno.EFAULT);
                }

                Processes.Reap(child);
                return SystemCallResult.Ok(ended);
            }

            if (live == 0)
            {
                return SystemCallResult.Fail(Errno.ECHILD);
            }

            if (!parent.ChildExit.Wait(deadline))
            {
                return SystemCallResult.Fail(Errno.ETIMEDOUT);
            }
        }
    }
}
