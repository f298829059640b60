using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Sleeping;

/// <summary>A long-running service that does nothing but wait, and when the supervisor
/// asks it to stop (its sleep returns ESHUTDOWN) runs its term handler: logs that it
/// flushed its state and exits 0. The shutdown tests' well-behaved service.</summary>
internal static class SleeperService
{
    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        SystemCall.Log("running until asked to stop"u8);
        while (SystemCall.Sleep(1_000_000_000) != -Errno.ESHUTDOWN) { }
        SystemCall.Log("stop requested; state flushed, exiting"u8);
        return 0;
    }
}
