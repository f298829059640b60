using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>The registers usermode.asm's syscall entry saves, in the order it pushes
/// them; mk_syscall_dispatch (kernel/syscall) receives a pointer to it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SystemCallFrame
{
    internal ulong R9, R8, R10, Rdx, Rsi, Rdi, Number, Rip, Rflags, Rsp;
}

/// <summary>The hardware half of system calls: syscall/sysret enabled and pointed at
/// usermode.asm's entry, which builds a <see cref="SystemCallFrame"/> and calls
/// mk_syscall_dispatch. Which call a number means is decided above arch, in kernel/syscall.</summary>
internal static class SystemCallEntry
{
    [DllImport("*", EntryPoint = "mk_syscall_entry_address"), SuppressGCTransition]
    private static extern ulong EntryAddress();

    /// <summary>Enables syscall/sysret: EFER.SCE, selectors in STAR, the entry in LSTAR,
    /// and the flags masked on entry (IF, TF, DF, AC, NT).</summary>
    internal static void Initialize()
    {
        const uint Efer = 0xC0000080, Star = 0xC0000081, Lstar = 0xC0000082, Fmask = 0xC0000084;
        Cpu.WriteMsr(Efer, Cpu.ReadMsr(Efer) | 1);
        // sysret loads CS = base + 16 and SS = base + 8: base 0x18 gives 0x2B and 0x23.
        Cpu.WriteMsr(Star, ((ulong)0x18 << 48) | ((ulong)SegmentTables.KernelCode << 32));
        Cpu.WriteMsr(Lstar, EntryAddress());
        Cpu.WriteMsr(Fmask, 0x200 | 0x100 | 0x400 | 0x40000 | 0x4000);
    }
}
