using System.Runtime.InteropServices;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Stubborn;

/// <summary>Ignores the stop request: keeps sleeping (each sleep ends at once with
/// ESHUTDOWN after the request, so it spins through the kernel) until the supervisor's
/// deadline passes and it is killed. The shutdown tests' misbehaving service.</summary>
internal static class StubbornService
{
    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        SystemCall.Log("running, and will ignore any stop request"u8);
        while (true)
        {
            SystemCall.Sleep(10_000_000);
        }
    }
}
