using Microkernel.Abi;
using Microkernel.Process;
using Microkernel.Syscall;

namespace Microkernel.Power;

/// <summary>system_power: a service with the Power right asks for the ordered shutdown.</summary>
internal static class PowerCalls
{
    /// <summary>system_power(0 power off | 1 reboot): through <see cref="Shutdown"/>, so
    /// services stop in order first. The power right is checked by the dispatch (declared in
    /// abi/SystemCallTable.cs).</summary>
    internal static SystemCallResult SystemPower(ulong operation)
    {
        if (operation > 1)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        Shutdown.Request(operation == 1 ? ShutdownReason.RebootRequest : ShutdownReason.PowerOffRequest);
        return SystemCallResult.Success;
    }
}
