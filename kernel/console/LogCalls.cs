using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Logging;
using Microkernel.Memory;
using Microkernel.Process;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Console;

/// <summary>The klog service's two system calls: log_read (the kernel's record buffer,
/// in abi/KernelLogLayout's format) and log_export (bytes to the second serial port).</summary>
/// <remarks>Each needs its <see cref="ProcessRights"/>; every user pointer is range-checked
/// with <see cref="UserMemory.IsUserRange"/> and written or read only through
/// <see cref="FaultFixups.TryCopy"/>, never under the record lock (a fault on a user page
/// must not happen with interrupts off), so records go through a bounce buffer on the
/// kernel stack, one whole-record chunk at a time.</remarks>
internal static unsafe class LogCalls
{
    /// <summary>Most bytes one log_read copies (the buffer may be larger; the rest is left).</summary>
    internal const int MaxReadBytes = 64 * 1024;
    /// <summary>Most bytes one log_export writes.</summary>
    internal const int MaxExportBytes = 4096;
    private const int ChunkBytes = 2048;

    private static SerialPort s_exportPort;
    private static bool s_exportInitialized, s_exportPresent, s_exportBusy;
    private static Sync.SpinLock s_exportLock;

    /// <summary>Bytes log_export has written to the port since boot.</summary>
    internal static ulong ExportedBytes;

    /// <summary>log_read(after sequence, buffer, capacity): the header, then every record
    /// newer than <paramref name="afterSequence"/> that fits, whole; the bytes written. The
    /// log-read right is checked by the dispatch (declared in abi/SystemCallTable.cs).</summary>
    internal static SystemCallResult Read(ulong afterSequence, ulong buffer, ulong capacity)
    {
        if (capacity < KernelLogLayout.HeaderBytes)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (capacity > MaxReadBytes)
        {
            capacity = MaxReadBytes;
        }

        if (!UserMemory.IsUserRange(buffer, capacity))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        // ChunkBytes holds the largest record, so every chunk makes progress.
        byte* chunk = stackalloc byte[ChunkBytes];
        ulong written = KernelLogLayout.HeaderBytes;
        ulong after = afterSequence, dropped = 0, next = 0;
        while (true)
        {
            int room = (int)System.Math.Min((ulong)ChunkBytes, capacity - written);
            int n = Log.CopyRecords(after, new System.Span<byte>(chunk, room), out ulong last, out dropped, out next);
            if (n == 0)
            {
                break;
            }

            if (FaultFixups.TryCopy((void*)(buffer + written), chunk, (ulong)n) != 0)
            {
                return SystemCallResult.Fail(Errno.EFAULT);
            }

            written += (ulong)n;
            after = last;
        }
        byte* header = stackalloc byte[KernelLogLayout.HeaderBytes];
        LogRecordRing.TryWriteHeader(new System.Span<byte>(header, KernelLogLayout.HeaderBytes), dropped, next);
        if (FaultFixups.TryCopy((void*)buffer, header, KernelLogLayout.HeaderBytes) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        return SystemCallResult.Ok((long)written);
    }

    /// <summary>log_export(bytes, length): writes them to COM2 (0x2F8); the length, or 0
    /// bytes written when the machine has no second UART (the bytes are discarded then,
    /// which is what an unplugged cable does too). The log-export right is checked by the
    /// dispatch (declared in abi/SystemCallTable.cs).</summary>
    internal static SystemCallResult Export(ulong bytes, ulong length)
    {
        if (length > MaxExportBytes)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        if (length == 0)
        {
            return SystemCallResult.Success;
        }

        if (!UserMemory.IsUserRange(bytes, length))
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        byte* copy = stackalloc byte[MaxExportBytes];
        if (FaultFixups.TryCopy(copy, (void*)bytes, length) != 0)
        {
            return SystemCallResult.Fail(Errno.EFAULT);
        }

        if (!EnsureExportPort())
        {
            return SystemCallResult.Success;
        }
        // Written with interrupts on (4 KiB at 115200 baud is long on real hardware), but
        // one exporter at a time (klog and hostlink share the port): whole frames never
        // interleave. A second exporter yields until the first is done.
        bool interrupts = s_exportLock.Acquire();
        while (s_exportBusy)
        {
            s_exportLock.Release(interrupts);
            Threads.Yield();
            interrupts = s_exportLock.Acquire();
        }
        s_exportBusy = true;
        s_exportLock.Release(interrupts);
        for (ulong i = 0; i < length; i++)
        {
            s_exportPort.Write(copy[i]);
        }

        ExportedBytes += length;
        System.Threading.Volatile.Write(ref s_exportBusy, false);
        return SystemCallResult.Ok((long)length);
    }

    /// <summary>Sets COM2 up on first use (once, like KernelConsole does COM1; absent
    /// hardware is remembered, not retried); true when it is there. Shared with
    /// host_read, so the receive FIFO is reset once, before anyone reads it.</summary>
    internal static bool EnsureExportPort()
    {
        bool interrupts = s_exportLock.Acquire();
        if (!s_exportInitialized)
        {
            s_exportPort = new SerialPort(SerialPort.Com2);
            s_exportPresent = s_exportPort.Initialize();
            s_exportInitialized = true;
        }
        bool present = s_exportPresent;
        s_exportLock.Release(interrupts);
        return present;
    }
}
