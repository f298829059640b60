using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Memory;
using Microkernel.Syscall;

namespace Microkernel.Console;

/// <summary>host_read: the receive side of the log export port (COM2), for the
/// hostlink service that answers the host's queries (`./mk store`). Polled, never
/// blocking: the service sleeps between looks.</summary>
internal static unsafe class HostLinkCalls
{
    private const ushort Port = 0x2F8;
    private const ushort LineStatus = Port + 5;
    private const byte DataReady = 0x01;
    private const int MaxRead = 512;

    /// <summary>host_read(buffer, capacity): bytes waiting in the UART, up to the capacity.
    /// The host-link right is checked by the dispatch (declared in abi/SystemCallTable.cs).</summary>
    internal static SystemCallResult Read(ulong buffer, ulong capacity)
    {
        if (capacity == 0 || capacity > MaxRead)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (!UserMemory.IsUserRange(buffer, capacity))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        if (!LogCalls.EnsureExportPort())
        {
            return SystemCallResult.Success;
        }

        byte* bytes = stackalloc byte[MaxRead];
        int n = 0;
        while ((ulong)n < capacity && (Cpu.InByte(LineStatus) & DataReady) != 0)
        {
            bytes[n++] = Cpu.InByte(Port);
        }

        if (n > 0 && FaultFixups.TryCopy((void*)buffer, bytes, (ulong)n) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        return SystemCallResult.Ok(n);
    }
}
