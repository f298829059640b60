using Microkernel.Abi;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>close(handle): the call that acts on any handle a process holds.</summary>
internal static class HandleCalls
{
    /// <summary>close(handle): a channel end (its peer sees EPIPE) or a child process handle.</summary>
    internal static SystemCallResult Close(ulong handle)
    {
        ServiceProcess? process = RunningProcess.Current;
        return process != null && process.Close(handle) ? SystemCallResult.Success : SystemCallResult.Fail(Errno.EBADF);
    }
}
