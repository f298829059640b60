using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>The registers interrupts.asm saved, lowest address first. Writing to it
/// changes what the interrupted code resumes with.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InterruptFrame
{
    internal ulong R15, R14, R13, R12, R11, R10, R9, R8;
    internal ulong Rbp, Rdi, Rsi, Rdx, Rcx, Rbx, Rax;
    internal ulong Vector;
    internal ulong ErrorCode;
    // Pushed by the CPU.
    internal ulong Rip, Cs, Rflags, Rsp, Ss;
}
