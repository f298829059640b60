using System.Runtime.InteropServices;
using Microkernel.Abi;

namespace Microkernel.UserRuntime;

/// <summary>The kernel's system calls as seen from a service. The typed stubs, one per
/// call, are generated from the declaration in abi/SystemCallTable.cs (the ABI generator,
/// abi/generator) into the other part of this class; this part holds the trap they end in
/// and the conveniences that are not calls of their own. Results: non-negative on success,
/// a negated errno (abi/Errno) on error.</summary>
[SystemCallStubs]
public static unsafe partial class SystemCall
{
    /// <summary>The trap every stub ends in (user.asm: syscall with the number in rax and
    /// the arguments in rdi, rsi, rdx, r10).</summary>
    [DllImport("*", EntryPoint = "mk_user_syscall"), SuppressGCTransition]
    private static extern long Raw(ulong number, ulong a0, ulong a1, ulong a2, ulong a3);

    /// <summary>Any system call with raw arguments (for tests that must pass what the
    /// typed stubs cannot express: kernel pointers, unknown numbers).</summary>
    public static long Call(SystemCallNumber number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0) =>
        Raw((ulong)number, a0, a1, a2, a3);

    /// <summary>Writes one line to the kernel log at info, with this service's name as the
    /// source; returns the length or -errno. Services with a channel to klog log through
    /// contracts' ServiceLog, which falls back to this.</summary>
    public static long Log(System.ReadOnlySpan<byte> text) => Log(text, LogSeverity.Info);

    /// <summary>Blocks until any channel this service holds is notified (0) or a peer
    /// closed (<see cref="WaitResult.PeerClosedFlag"/> | handle, once per closure); with a
    /// non-zero <paramref name="timeoutNs"/>, -ETIMEDOUT when it runs out.</summary>
    public static long WaitAny(ulong timeoutNs = 0) => Wait(0, timeoutNs);

    /// <summary>notify_wait(handle, 0): notifies <paramref name="notifyHandle"/>'s peer, then waits
    /// on every channel (as <see cref="WaitAny"/> with no timeout), switching straight to the peer
    /// if it is waiting: a server's reply and wait for the next request from any client.</summary>
    public static long NotifyWaitAny(ulong notifyHandle) => NotifyWait(notifyHandle, 0);

    /// <summary>The time-stamp counter, read in ring 3.</summary>
    [DllImport("*", EntryPoint = "mk_user_rdtsc"), SuppressGCTransition]
    public static extern ulong ReadTsc();
}
