using System.Runtime.InteropServices;
using Microkernel.Arch;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>Ring 3: programs run in their own address space, make system calls, and
/// every way they can misbehave ends only them (user-programs.asm has the programs).</summary>
internal static unsafe class UserModeTests
{
    [DllImport("*", EntryPoint = "mk_user_program"), SuppressGCTransition]
    private static extern bool ProgramBounds(int index, ulong* start, ulong* end);

    /// <summary>Mirrors the table in user-programs.asm.</summary>
    private enum Program
    {
        Hello, NullDereference, Privileged, ReadKernel, BadPointers, MapUseUnmap, ExecuteStack, WriteOwnCode, Spin, BadHandles,
    }

    internal static void Register()
    {
        TestRegistry.Add("proc/user-hello-syscall-exit", &Hello);
        TestRegistry.Add("proc/user-faults-end-only-the-program", &FaultsAreContained);
        TestRegistry.Add("proc/user-bad-syscall-arguments", &BadArguments);
        TestRegistry.Add("proc/user-map-syscalls", &MapSyscalls);
        TestRegistry.Add("proc/user-timer-interrupts-in-ring3", &TimerInRing3);
        TestRegistry.Add("proc/user-bad-handles", &BadHandles);
    }

    private const ulong CodeAddress = AddressSpace.UserLowest + 0x40_0000;
    private const ulong StackTop = AddressSpace.UserLowest + 0x80_0000;
    private const ulong StackBytes = 4 * 4096;

    /// <summary>Runs a program in a fresh address space; returns its status.</summary>
    private static long Run(ref TestResult t, Program program)
    {
        AddressSpace? space = Prepare((int)program);
        if (space == null) { True(ref t, false, "program prepared in an address space"u8); return 0; }
        space.Activate();
        long status = UserMode.Run(CodeAddress, StackTop);
        AddressSpace.ActivateKernel();
        space.Destroy();
        return status;
    }

    /// <summary>A fresh address space holding program <paramref name="index"/>: code
    /// read+execute (written first while read+write: W^X), a stack with a guard page
    /// below it. Null when the program or memory is missing. Leaves the kernel's
    /// tables active.</summary>
    internal static AddressSpace? Prepare(int index)
    {
        ulong start, end;
        if (!ProgramBounds(index, &start, &end))
        {
            return null;
        }

        var space = AddressSpace.Create();
        if (space == null)
        {
            return null;
        }

        const VmProtection ReadWrite = VmProtection.Read | VmProtection.Write;
        bool ok = space.Map(CodeAddress, 4096, ReadWrite, MapFlags.Fixed | MapFlags.Populate, VmAreaKind.Image, 1, out _) == VmError.None
            && space.Map(StackTop - StackBytes - 4096, 4096, VmProtection.None, MapFlags.Fixed, VmAreaKind.Guard, 2, out _) == VmError.None
            && space.Map(StackTop - StackBytes, StackBytes, ReadWrite, MapFlags.Fixed, VmAreaKind.Stack, 3, out _) == VmError.None;
        if (ok)
        {
            space.Activate();
            new System.ReadOnlySpan<byte>((void*)start, (int)(end - start)).CopyTo(new System.Span<byte>((void*)CodeAddress, 4096));
            ok = space.Protect(CodeAddress, 4096, VmProtection.Read | VmProtection.Execute) == VmError.None;
            AddressSpace.ActivateKernel();
        }
        if (!ok) { space.Destroy(); return null; }
        return space;
    }

    /// <summary>Where <see cref="Prepare"/> puts a program's entry and stack top.</summary>
    internal const ulong ProgramEntry = CodeAddress;
    internal const ulong ProgramStackTop = StackTop;
    internal const int SpinProgram = (int)Program.Spin;

    private static void Hello(ref TestResult t)
    {
        ulong calls = Syscall.SystemCallDispatcher.Calls;
        Equal(ref t, 42, Run(ref t, Program.Hello), "exit status"u8);
        Equal(ref t, calls + 2, Syscall.SystemCallDispatcher.Calls, "two system calls: log and exit"u8);
        True(ref t, Cpu.InterruptsEnabled, "interrupts are back on in the kernel"u8);
    }

    private static void FaultsAreContained(ref TestResult t)
    {
        Equal(ref t, UserMode.FaultBase - InterruptVectors.PageFault, Run(ref t, Program.NullDereference), "null dereference"u8);
        True(ref t, UserMode.LastFaultAddress < 4096, "at the null page"u8);
        Equal(ref t, UserMode.FaultBase - InterruptVectors.GeneralProtection, Run(ref t, Program.Privileged), "privileged instruction"u8);
        Equal(ref t, UserMode.FaultBase - InterruptVectors.PageFault, Run(ref t, Program.ReadKernel), "reading kernel memory"u8);
        Equal(ref t, 0x100000UL, UserMode.LastFaultAddress, "at the kernel's address"u8);
        True(ref t, (UserMode.LastFaultError & 5) == 5, "a user-mode protection violation"u8);
        Equal(ref t, UserMode.FaultBase - InterruptVectors.PageFault, Run(ref t, Program.ExecuteStack), "executing the stack"u8);
        True(ref t, (UserMode.LastFaultError & (1 << 4)) != 0, "an instruction fetch"u8);
        Equal(ref t, UserMode.FaultBase - InterruptVectors.PageFault, Run(ref t, Program.WriteOwnCode), "writing its own code"u8);
        True(ref t, (UserMode.LastFaultError & 2) != 0, "a write"u8);
        Equal(ref t, 42, Run(ref t, Program.Hello), "and the next program runs normally"u8);
    }

    private static void BadArguments(ref TestResult t)
    {
        // kernel pointer -EFAULT, unmapped user pointer -EFAULT, too long -EINVAL,
        // non-canonical -EFAULT, unknown number -ENOSYS.
        long expected = -Abi.Errno.EFAULT - Abi.Errno.EFAULT - Abi.Errno.EINVAL - Abi.Errno.EFAULT - Abi.Errno.ENOSYS;
        Equal(ref t, expected, Run(ref t, Program.BadPointers), "each bad argument returned its errno"u8);
    }

    private static void MapSyscalls(ref TestResult t)
    {
        ulong anonymous = PhysicalMemory.FramesFor(FramePurpose.Anonymous);
        Equal(ref t, UserMode.FaultBase - InterruptVectors.PageFault, Run(ref t, Program.MapUseUnmap), "used mapped memory, then faulted after unmap"u8);
        Equal(ref t, anonymous, PhysicalMemory.FramesFor(FramePurpose.Anonymous), "every frame returned"u8);
    }

    private static void BadHandles(ref TestResult t)
    {
        // A program that is not a service has no handles at all: every one is bad.
        Equal(ref t, -3 * Abi.Errno.EBADF, Run(ref t, Program.BadHandles), "wait/notify on unknown handles return EBADF"u8);
    }

    private static void TimerInRing3(ref TestResult t)
    {
        ulong ticks = LocalApic.Ticks;
        Equal(ref t, 7, Run(ref t, Program.Spin), "the loop finished"u8);
        True(ref t, LocalApic.Ticks > ticks, "timer interrupts arrived while in ring 3 and returned there"u8);
    }
}
