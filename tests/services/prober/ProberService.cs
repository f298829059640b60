using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Probing;

/// <summary>Test service: calls every system call with kernel pointers, unmapped
/// pointers, bad handles and out-of-range values, and checks each returns its errno
/// (and that the kernel is still there to answer). Run once as an ordinary service
/// (the supervisor's calls must say EPERM) and once flagged as the supervisor (they
/// must check their arguments). Exits with the number of checks passed; logs the
/// first failure's number.</summary>
internal static unsafe class ProberService
{
    private const ulong KernelPointer = 0x10_0000;            // kernel text, identity-mapped
    private const ulong UnmappedPointer = 0x0000_0090_0000_0000; // user space, nothing there
    private const ulong NonCanonical = 0x0000_8000_0000_0000;

    private static int s_passed, s_checks, s_firstFailure;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        bool supervisor = StartInfo.IsSupervisor;
        long perm = supervisor ? 0 : -Errno.EPERM;

        Check(Raw(SystemCallNumber.Log, KernelPointer, 8), -Errno.EFAULT);
        Check(Raw(SystemCallNumber.Log, UnmappedPointer, 8), -Errno.EFAULT);
        Check(Raw(SystemCallNumber.Log, NonCanonical, 8), -Errno.EFAULT);
        Check(Raw(SystemCallNumber.Log, UnmappedPointer, 1 << 20), -Errno.EINVAL);
        byte* someText = stackalloc byte[8];
        Check(Raw(SystemCallNumber.Log, (ulong)someText, 8, 4 /* no such level */), -Errno.EINVAL);
        // console_write: only klog has the console right (the supervisor has every right).
        Check(Raw(SystemCallNumber.ConsoleWrite, KernelPointer, 8), supervisor ? -Errno.EFAULT : -Errno.EPERM);
        Check(Raw(SystemCallNumber.ConsoleWrite, (ulong)someText, 1 << 20), supervisor ? -Errno.EINVAL : -Errno.EPERM);
        Check(Raw(SystemCallNumber.Map, 0, 4096, 99), -Errno.EINVAL);
        Check(Raw(SystemCallNumber.Map, KernelPointer, 4096, 3, 1 /* fixed */), -Errno.EINVAL, alsoOk: -Errno.ENOMEM);
        Check(Raw(SystemCallNumber.Unmap, KernelPointer, 4096), -Errno.EINVAL);
        Check(Raw(SystemCallNumber.Protect, KernelPointer, 4096, 3), -Errno.EINVAL, alsoOk: -Errno.ENOMEM); // Linux says ENOMEM
        Check(Raw(SystemCallNumber.Protect, StartInfoLayout.Address, 4096, 7), -13 /* EACCES: W^X */);
        Check(Raw(SystemCallNumber.Wait, 99), -Errno.EBADF);
        Check(Raw(SystemCallNumber.Wait, 99, ulong.MaxValue), -Errno.EBADF); // the handle is checked first
        Check(Raw(SystemCallNumber.Notify, 99), -Errno.EBADF);
        Check(Raw(SystemCallNumber.NotifyWait, 99, 0), -Errno.EBADF); // wait on any: the notify handle still must be one
        Check(Raw(SystemCallNumber.Close, 0), -Errno.EBADF);
        Check(Raw(SystemCallNumber.Close, 1UL << 40), -Errno.EBADF);
        Check(Raw(SystemCallNumber.ProcessWait, 0, KernelPointer), -Errno.EFAULT);
        Check(Raw(SystemCallNumber.ProcessWait, 99, 0), -Errno.EBADF);
        Check(Raw(SystemCallNumber.ProcessWait, 0, 0), -Errno.ECHILD);
        Check(Raw(SystemCallNumber.Sleep, ulong.MaxValue), -Errno.EINVAL);
        Check(Raw(SystemCallNumber.Debug, 99, 0), -Errno.EINVAL);
        Check(Raw((SystemCallNumber)999), -Errno.ENOSYS);
        Check(Raw((SystemCallNumber)ulong.MaxValue), -Errno.ENOSYS);

        // The supervisor's calls: refused outright for others, argument-checked for it.
        Check(Raw(SystemCallNumber.ProcessCreate, KernelPointer, 5), supervisor ? -Errno.EFAULT : perm);
        Check(Raw(SystemCallNumber.ProcessCreate, UnmappedPointer, 5), supervisor ? -Errno.EFAULT : perm);
        Check(Raw(SystemCallNumber.ProcessCreate, UnmappedPointer, 0), supervisor ? -Errno.EINVAL : perm);
        Check(Raw(SystemCallNumber.ProcessCreate, UnmappedPointer, 4096), supervisor ? -Errno.EINVAL : perm);
        Check(SystemCall.ProcessCreate("no-such-service"u8), supervisor ? -Errno.ENOENT : perm);
        Check(Raw(SystemCallNumber.ProcessGrant, 99, 98, KernelPointer | (5UL << 48), 0), supervisor ? -Errno.EFAULT : perm);
        Check(SystemCall.ProcessGrant(99, 98, "x"u8, 0), supervisor ? -Errno.EBADF : perm);
        Check(Raw(SystemCallNumber.ProcessStart, 99, 0), supervisor ? -Errno.EBADF : perm);
        Check(SystemCall.Debug(DebugOperation.Ready, 100_000), supervisor ? -Errno.EINVAL : perm);
        if (supervisor)
        {
            long ends = SystemCall.ChannelCreate();
            Check(ends > 0 ? 0 : ends, 0);
            ulong client = (ulong)(ends & 0xFFFF_FFFF), server = (ulong)(ends >> 32);
            // A channel end is not a process, and a process handle is not a channel.
            Check(SystemCall.ProcessGrant(client, server, "x"u8, 0), -Errno.EBADF);
            // Both ends held here: a notify is kept for the other end's wait.
            Check(SystemCall.Notify(client), 0);
            Check(SystemCall.Wait(server), 0);
            // Timed waits: nothing pending now, so they run out; an hour and more is refused.
            Check(SystemCall.Wait(server, 1_000_000), -Errno.ETIMEDOUT);
            Check(SystemCall.Wait(server, ulong.MaxValue), -Errno.EINVAL);
            SystemCall.WaitAny(1_000_000); // may take the notify above once more (wait(0) is level-triggered per process)
            Check(SystemCall.WaitAny(1_000_000), -Errno.ETIMEDOUT);
            // notify_wait(client, 0): the notify lands on the server end, held here too, so
            // the wait on every channel takes it at once (no peer to switch to) and it is gone.
            Check(SystemCall.NotifyWaitAny(client), 0);
            Check(SystemCall.WaitAny(1_000_000), -Errno.ETIMEDOUT);
            Check(SystemCall.Close(server), 0);
            Check(SystemCall.NotifyWaitAny(client), -Errno.EPIPE);
            Check(SystemCall.Wait(client), -Errno.EPIPE);
            Check(SystemCall.Close(client), 0);
            Check(SystemCall.Close(client), -Errno.EBADF); // closed twice
        }
        else
        {
            Check(SystemCall.ChannelCreate(), -Errno.EPERM);
            // Powering off needs the power right, which this service was not given.
            Check(SystemCall.SystemPower(0), -Errno.EPERM);
            Check(Raw(SystemCallNumber.ProcessSetRights, 1, 1), -Errno.EPERM);
        }

        // kernel_info: any service; the buffer is checked like every pointer.
        System.Span<byte> figures = stackalloc byte[KernelFiguresLayout.Bytes];
        Check(SystemCall.KernelInfo(figures.Slice(0, 8)), -Errno.EINVAL);
        Check(Raw(SystemCallNumber.KernelInfo, KernelPointer, KernelFiguresLayout.Bytes), -Errno.EFAULT);
        Check(SystemCall.KernelInfo(figures), KernelFiguresLayout.Bytes);
        ulong uptime = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(figures);
        ulong freeKib = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(figures.Slice(KernelFiguresLayout.MemoryFreeKib * 8));
        ulong totalKib = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(figures.Slice(KernelFiguresLayout.MemoryTotalKib * 8));
        Check(uptime > 0 && freeKib > 0 && freeKib < totalKib ? 0 : -1, 0);

        if (s_passed != s_checks)
        {
            System.Span<byte> line = stackalloc byte[64];
            "first failed check "u8.CopyTo(line);
            int n = 27 + Microkernel.Text.IntegerFormatter.FormatDecimal((long)s_firstFailure, line.Slice(27));
            SystemCall.Log(line.Slice(0, n));
        }
        return s_passed;
    }

    private static void Check(long result, long expected, long alsoOk = 1)
    {
        s_checks++;
        if (result == expected || result == alsoOk)
        {
            s_passed++;
        }
        else if (s_firstFailure == 0)
        {
            s_firstFailure = s_checks;
        }
    }

    private static long Raw(SystemCallNumber number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0) =>
        SystemCall.Call(number, a0, a1, a2, a3);
}
