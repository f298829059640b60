using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Memory;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>service_info: what the kernel knows of each service it has started.</summary>
internal static unsafe class ServiceInfoCalls
{
    /// <summary>service_info(index, buffer, capacity): one abi/ServiceInfoLayout record; the
    /// bytes written, ENOENT past the last service.</summary>
    internal static SystemCallResult ServiceInfo(ulong index, ulong buffer, ulong capacity)
    {
        if (capacity < ServiceInfoLayout.Bytes)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (!UserMemory.IsUserRange(buffer, ServiceInfoLayout.Bytes))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        if (index >= (ulong)ServiceRecords.Count)
        {
            return SystemCallResult.Fail(Errno.ENOENT);
        }

        System.ReadOnlySpan<byte> name = ServiceRecords.NameAt((int)index);
        byte* record = stackalloc byte[ServiceInfoLayout.Bytes];
        new System.Span<byte>(record, ServiceInfoLayout.Bytes).Clear();
        *(uint*)(record + ServiceInfoLayout.Starts) = (uint)ServiceRecords.StartsOf(name);
        *(uint*)(record + ServiceInfoLayout.Ends) = (uint)ServiceRecords.ExitsOf(name);
        *(long*)(record + ServiceInfoLayout.LastStatus) = ServiceRecords.LastStatusOf(name);
        *(uint*)(record + ServiceInfoLayout.Running) = (uint)Processes.RunningNamed(name);
        *(uint*)(record + ServiceInfoLayout.NameLength) = (uint)name.Length;
        name.CopyTo(new System.Span<byte>(record + ServiceInfoLayout.Name, ServiceInfoLayout.NameBytes));
        if (FaultFixups.TryCopy((void*)buffer, record, ServiceInfoLayout.Bytes) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        return SystemCallResult.Ok(ServiceInfoLayout.Bytes);
    }
}
