using Microkernel.Abi;
using Microkernel.Memory.Virtual;
using Microkernel.Syscall;

namespace Microkernel.Memory;

/// <summary>The address-space system calls: map, unmap, protect on the calling thread's
/// space (ENOSYS for a kernel thread, which has none).</summary>
/// <remarks><see cref="VmError"/> is the portable map's status; its values are Linux errno
/// values by design, and <see cref="FromVm"/> is the one place that turns it into a result.</remarks>
internal static class MemoryCalls
{
    /// <summary>map(hint, length, protection, flags): anonymous memory; the address.</summary>
    internal static SystemCallResult Map(ulong hint, ulong length, ulong protection, ulong flags)
    {
        AddressSpace? space = AddressSpace.Current;
        if (space == null)
        {
            return SystemCallResult.Fail(Errno.ENOSYS);
        }

        if ((flags & ~(ulong)(MapFlags.Fixed | MapFlags.FixedNoReplace | MapFlags.Populate)) != 0 || protection > 7)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        VmError error = space.Map(hint, length, ToProtection(protection), (MapFlags)flags, VmAreaKind.Anonymous, 0, out ulong address);
        return error == VmError.None ? SystemCallResult.Ok((long)address) : FromVm(error);
    }

    /// <summary>unmap(address, length).</summary>
    internal static SystemCallResult Unmap(ulong address, ulong length)
    {
        AddressSpace? space = AddressSpace.Current;
        return space == null ? SystemCallResult.Fail(Errno.ENOSYS) : FromVm(space.Unmap(address, length));
    }

    /// <summary>protect(address, length, protection).</summary>
    internal static SystemCallResult Protect(ulong address, ulong length, ulong protection)
    {
        AddressSpace? space = AddressSpace.Current;
        return space == null ? SystemCallResult.Fail(Errno.ENOSYS) : FromVm(space.Protect(address, length, ToProtection(protection)));
    }

    private static SystemCallResult FromVm(VmError error) => error == VmError.None ? SystemCallResult.Success : SystemCallResult.Fail((long)error);

    private static VmProtection ToProtection(ulong bits) => (VmProtection)(byte)(bits & 7);
}
