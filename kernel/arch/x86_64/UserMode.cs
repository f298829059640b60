using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>Runs user code in ring 3 until it ends, on the current address space.</summary>
/// <remarks>The seed of processes: <see cref="Run"/> enters ring 3 and returns when the
/// program calls exit or faults; a fault ends only the program (the registered reporter
/// logs it, the kernel carries on). Each process's thread runs one of these.</remarks>
internal static unsafe class UserMode
{
    [DllImport("*", EntryPoint = "mk_run_user"), SuppressGCTransition]
    private static extern long RunUser(ulong rip, ulong rsp, ulong a0, ulong a1, ulong a2);

    [DllImport("*", EntryPoint = "mk_user_return"), SuppressGCTransition]
    private static extern void ReturnToKernel(long status);

    /// <summary>Statuses of programs ended by a fault: FaultBase - vector.</summary>
    internal const long FaultBase = -0x10000;

    private static delegate*<ulong, ulong, ulong, void> s_faultReporter;

    /// <summary>The last fault that ended a program.</summary>
    internal static ulong LastFaultVector, LastFaultRip, LastFaultAddress, LastFaultError;

    /// <summary>Runs from <paramref name="rip"/> with stack <paramref name="rsp"/>; returns
    /// the exit status, or <see cref="FaultBase"/> - vector when a fault ended it.</summary>
    internal static long Run(ulong rip, ulong rsp, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0)
    {
        return RunUser(rip, rsp, a0, a1, a2);
    }

    /// <summary>Ends the running program with <paramref name="status"/> (exit, or a kill):
    /// <see cref="Run"/> returns it. Whoever started the program (a process's thread)
    /// does the rest: closing its handles, waking its parent.</summary>
    internal static void Return(long status)
    {
        ReturnToKernel(status);
    }

    /// <summary>Registers who hears of a fault that ends a program (vector, rip, and the
    /// faulting address for a page fault): init logs it. Arch only records the fault.</summary>
    internal static void SetFaultReporter(delegate*<ulong, ulong, ulong, void> reporter) => s_faultReporter = reporter;

    /// <summary>A fault in ring 3 that nothing resolved: record and report it, end the program.</summary>
    internal static void EndOnFault(InterruptFrame* frame)
    {
        LastFaultVector = frame->Vector;
        LastFaultRip = frame->Rip;
        LastFaultError = frame->ErrorCode;
        LastFaultAddress = frame->Vector == InterruptVectors.PageFault ? Cpu.ReadCr2() : 0;
        delegate*<ulong, ulong, ulong, void> reporter = s_faultReporter;
        if (reporter != null)
        {
            reporter(LastFaultVector, LastFaultRip, LastFaultAddress);
        }

        ReturnToKernel(FaultBase - (long)frame->Vector);
    }
}
