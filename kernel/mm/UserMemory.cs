using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Syscall;

namespace Microkernel.Memory;

/// <summary>How system call handlers touch user memory: every pointer is first checked to
/// lie in user space, then read or written only through the nofault copy
/// (<see cref="FaultFixups.TryCopy"/>), so nothing a program passes can panic the kernel.</summary>
internal static unsafe class UserMemory
{
    /// <summary>True when [address, address + length) lies entirely in user space.</summary>
    internal static bool IsUserRange(ulong address, ulong length) =>
        address >= AddressSpace.UserLowest && length <= AddressSpace.UserHighest - AddressSpace.UserLowest
        && address <= AddressSpace.UserHighest - length;

    /// <summary>Copies <paramref name="length"/> (1..<paramref name="capacity"/>) bytes from
    /// user address <paramref name="from"/>: EINVAL for a bad length, EFAULT for a bad range
    /// or a fault on the way.</summary>
    internal static SystemCallResult CopyIn(byte* to, ulong from, ulong length, int capacity)
    {
        if (length == 0 || length > (ulong)capacity)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (!IsUserRange(from, length) || FaultFixups.TryCopy(to, (void*)from, length) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        return SystemCallResult.Success;
    }
}
