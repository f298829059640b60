using Microkernel.Console;
using System.Runtime.InteropServices;

namespace Microkernel.Arch
{
    /// <summary>Runs user code in ring 3 until it ends, on the current address space.</summary>
    /// <remarks>The seed of processes: <see cref="Run"/> enters ring 3 and returns when the
    /// program calls exit or faults; a fault ends only the program (a report line is
    /// logged, the kernel carries on). The scheduler will keep many of these runnable.</remarks>
    internal static unsafe class UserMode
    {
        [DllImport("*", EntryPoint = "mk_run_user"), SuppressGCTransition]
        private static extern long RunUser(ulong rip, ulong rsp, ulong a0, ulong a1, ulong a2);

        [DllImport("*", EntryPoint = "mk_user_return"), SuppressGCTransition]
        private static extern void ReturnToKernel(long status);

        /// <summary>Statuses of programs ended by a fault: FaultBase - vector.</summary>
        internal const long FaultBase = -0x10000;

        /// <summary>The last fault that ended a program.</summary>
        internal static ulong LastFaultVector, LastFaultRip, LastFaultAddress, LastFaultError;

        /// <summary>Runs from <paramref name="rip"/> with stack <paramref name="rsp"/>; returns
        /// the exit status, or <see cref="FaultBase"/> - vector when a fault ended it.</summary>
        internal static long Run(ulong rip, ulong rsp, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0)
        {
            return RunUser(rip, rsp, a0, a1, a2);
        }

        /// <summary>Ends the running program with <paramref name="status"/> (exit call).</summary>
        internal static void Return(long status)
        {
            EndProcess(status);
            ReturnToKernel(status);
        }

        /// <summary>The running service's process (if any) ends: its handles close, so
        /// peers blocked on its channels wake with EPIPE instead of hanging.</summary>
        private static void EndProcess(long status)
        {
            Process.ServiceProcess? process = Process.Threads.IsReady ? Process.Threads.CurrentProcess : null;
            if (process == null || process.Exited) return;
            process.Exited = true;
            process.ExitStatus = status;
            process.CloseAll();
        }

        /// <summary>A fault in ring 3 that nothing resolved: report it and end the program.</summary>
        internal static void EndOnFault(InterruptFrame* frame)
        {
            LastFaultVector = frame->Vector;
            LastFaultRip = frame->Rip;
            LastFaultError = frame->ErrorCode;
            LastFaultAddress = frame->Vector == InterruptVectors.PageFault ? Cpu.ReadCr2() : 0;
            LogLine line = Log.Begin(LogLevel.Warning, "user"u8);
            line.Text("program ended by "u8);
            line.Text(InterruptVectors.Name(frame->Vector));
            line.Text(" at rip="u8); line.Address(frame->Rip);
            if (frame->Vector == InterruptVectors.PageFault) { line.Text(" address="u8); line.Address(LastFaultAddress); }
            line.End();
            EndProcess(FaultBase - (long)frame->Vector);
            ReturnToKernel(FaultBase - (long)frame->Vector);
        }
    }
}
