using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Memory;
using Microkernel.Process;
using Microkernel.Syscall;

namespace Microkernel.Console;

/// <summary>The console's system calls: log (a record in the kernel log) and console_write
/// (a line straight to COM1, klog's way of showing what services send it).</summary>
internal static unsafe class ConsoleCalls
{
    /// <summary>Longest console_write line: klog's "[level] source: text" for a 480-byte text.</summary>
    internal const int MaxConsoleLine = 560;

    private const int MaxLogLength = 200;

    /// <summary>log(text, length, level): a record in the kernel log whose source is the
    /// calling service's name ("user" for a thread outside any service); the length.</summary>
    internal static SystemCallResult Log(ulong text, ulong length, ulong level)
    {
        if (length > MaxLogLength || level > (ulong)LogSeverity.Error)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (!UserMemory.IsUserRange(text, length))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        byte* copy = stackalloc byte[MaxLogLength];
        if (FaultFixups.TryCopy(copy, (void*)text, length) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        ServiceProcess? caller = RunningProcess.Current;
        LogLine line = Console.Log.Begin((LogLevel)level, caller != null ? caller.Name : "user"u8);
        line.Text(new System.ReadOnlySpan<byte>(copy, (int)length));
        line.End();
        return SystemCallResult.Ok((long)length);
    }

    /// <summary>console_write(text, length): the line on COM1 as given (control bytes as
    /// '?', so a service cannot forge a second line or move the cursor), not recorded. The
    /// console right is checked by the dispatch (declared in abi/SystemCallTable.cs).</summary>
    internal static SystemCallResult ConsoleWrite(ulong text, ulong length)
    {
        if (length > MaxConsoleLine)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (!UserMemory.IsUserRange(text, length))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        byte* copy = stackalloc byte[MaxConsoleLine + 1];
        if (FaultFixups.TryCopy(copy, (void*)text, length) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        for (ulong i = 0; i < length; i++)
        {
            if (copy[i] < 0x20 || copy[i] == 0x7F)
            {
                copy[i] = (byte)'?';
            }
        }

        copy[length] = (byte)'\n';
        KernelConsole.Write(new System.ReadOnlySpan<byte>(copy, (int)length + 1));
        return SystemCallResult.Ok((long)length);
    }
}
