using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>The calls about the calling thread's own time: exit, yield, sleep, clock.</summary>
internal static class ThreadCalls
{
    /// <summary>exit(status): ends the calling program; never returns (its process is
    /// finished by the thread it ran on: handles closed, parent woken).</summary>
    internal static SystemCallResult Exit(long status)
    {
        UserMode.Return(status);
        return SystemCallResult.Success; // not reached
    }

    /// <summary>yield(): another ready thread of equal or higher priority runs first.</summary>
    internal static SystemCallResult Yield()
    {
        Threads.Yield();
        return SystemCallResult.Success;
    }

    /// <summary>clock(): nanoseconds since boot (TSC, microsecond resolution).</summary>
    internal static SystemCallResult Clock() => SystemCallResult.Ok((long)(TimeStampCounter.ToMicroseconds(Cpu.ReadTsc()) * 1000));

    /// <summary>sleep(nanoseconds), rounded up to whole timer ticks (at least one);
    /// ends early with ESHUTDOWN once the process is asked to stop.</summary>
    internal static SystemCallResult Sleep(ulong nanoseconds)
    {
        if (nanoseconds > Timeouts.MaxNanoseconds)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        ServiceProcess? process = RunningProcess.Current;
        if (process != null && process.StopRequested)
        {
            return SystemCallResult.Fail(Errno.ESHUTDOWN);
        }

        Threads.Sleep(Timeouts.TicksFor(nanoseconds));
        return process != null && process.StopRequested ? SystemCallResult.Fail(Errno.ESHUTDOWN) : SystemCallResult.Success;
    }
}
