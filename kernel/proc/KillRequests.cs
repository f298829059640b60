using Microkernel.Abi;
using Microkernel.Arch;

namespace Microkernel.Process;

/// <summary>Where a killed process actually ends: on its way back to ring 3, from a system
/// call or from a timer tick that interrupted it.</summary>
internal static class KillRequests
{
    /// <summary>Some process was asked to die (process_kill or the shutdown's last resort):
    /// from then on every return to ring 3 checks whether it is the one.</summary>
    internal static bool Pending;

    /// <summary>Ends the running process if it was killed.</summary>
    internal static void EndCurrentIfKilled()
    {
        // One load on the system call path until the first kill ever (then the full check).
        if (!Pending || !Threads.IsReady)
        {
            return;
        }

        ServiceProcess? process = Threads.CurrentProcess;
        if (process != null && process.KillRequested && !process.Exited)
        {
            UserMode.Return(ExitStatus.Killed);
        }
    }
}
