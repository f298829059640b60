using Microkernel.Arch;
using Microkernel.Console;

namespace Microkernel.Diagnostics;

/// <summary>Writes the crash report format the host symbolizer reads
/// (tools/CrashSymbolizer/README.md): a PANIC line, vector and error, registers,
/// control registers, the candidate return addresses on the stack, END PANIC.</summary>
internal static unsafe class CrashReport
{
    /// <summary>The registers known at the failure; a throw knows only rip/rsp/rbp.</summary>
    internal struct Registers
    {
        internal bool HasVector;
        internal ulong Vector, ErrorCode;
        internal bool HasGeneralRegisters;
        internal ulong Rip, Rsp, Rbp, Rflags;
        internal ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, R8, R9, R10, R11, R12, R13, R14, R15;
    }

    internal static void FromFrame(InterruptFrame* frame, out Registers r)
    {
        r = default;
        r.HasVector = true;
        r.Vector = frame->Vector;
        r.ErrorCode = frame->ErrorCode;
        r.HasGeneralRegisters = true;
        r.Rip = frame->Rip; r.Rsp = frame->Rsp; r.Rbp = frame->Rbp; r.Rflags = frame->Rflags;
        r.Rax = frame->Rax; r.Rbx = frame->Rbx; r.Rcx = frame->Rcx; r.Rdx = frame->Rdx;
        r.Rsi = frame->Rsi; r.Rdi = frame->Rdi; r.R8 = frame->R8; r.R9 = frame->R9;
        r.R10 = frame->R10; r.R11 = frame->R11; r.R12 = frame->R12; r.R13 = frame->R13;
        r.R14 = frame->R14; r.R15 = frame->R15;
    }

    /// <summary>Writes the whole report without taking the console lock.</summary>
    /// <remarks>The first line reads "*** PANIC: {reason}{typeName}: {message}", the
    /// type and message parts only when given.</remarks>
    internal static void Write(System.ReadOnlySpan<byte> reason, string? typeName, string? message, in Registers r, uint cpu)
    {
        var line = new LogLine(true);
        line.Text("*** PANIC: "u8);
        line.Text(reason);
        if (typeName != null)
        {
            line.Text(typeName);
        }

        if (typeName != null && message != null)
        {
            line.Text(": "u8);
        }

        if (message != null)
        {
            line.Text(message);
        }

        line.EndUnlocked();

        line = new LogLine(true);
        line.Text("cpu="u8); line.Decimal((ulong)cpu);
        if (r.HasVector)
        {
            line.Text(" vector="u8); line.Address(r.Vector);
            line.Text(" error="u8); line.Address(r.ErrorCode);
        }
        else
        {
            line.Text(" vector=none error=none"u8);
        }
        line.EndUnlocked();

        if (r.HasVector && (r.Vector == InterruptVectors.PageFault || r.Vector == InterruptVectors.DoubleFault))
        {
            FaultLine(in r);
        }

        Pair4("rip="u8, r.Rip, " rsp="u8, r.Rsp, " rbp="u8, r.Rbp, " rflags="u8, r.Rflags);
        Pair4("cr0="u8, Cpu.ReadCr0(), " cr2="u8, Cpu.ReadCr2(), " cr3="u8, Cpu.ReadCr3(), " cr4="u8, Cpu.ReadCr4());
        if (r.HasGeneralRegisters)
        {
            Pair4("rax="u8, r.Rax, " rbx="u8, r.Rbx, " rcx="u8, r.Rcx, " rdx="u8, r.Rdx);
            Pair4("rsi="u8, r.Rsi, " rdi="u8, r.Rdi, " r8="u8, r.R8, " r9="u8, r.R9);
            Pair4("r10="u8, r.R10, " r11="u8, r.R11, " r12="u8, r.R12, " r13="u8, r.R13);
            line = new LogLine(true);
            line.Text("r14="u8); line.Address(r.R14);
            line.Text(" r15="u8); line.Address(r.R15);
            line.EndUnlocked();
        }

        line = new LogLine(true);
        line.Text("stack:"u8);
        line.EndUnlocked();
        StackLine(0, r.Rip);
        System.Span<ulong> frames = stackalloc ulong[24];
        int count = StackScanner.Scan(r.Rsp, StackLimit(r.Rsp), KernelImage.TextStart, KernelImage.TextEnd, frames);
        int index = 1;
        for (int i = 0; i < count; i++)
        {
            // The panic path's own "you are here" address is already line #0.
            if (frames[i] == r.Rip)
            {
                continue;
            }

            StackLine(index++, frames[i]);
        }

        line = new LogLine(true);
        line.Text("*** END PANIC"u8);
        line.EndUnlocked();
    }

    /// <summary>"fault: write at 0x... (protection violation) in kernel text": what the
    /// access was and which kernel area the address belongs to. For a double fault
    /// (typically a stack overflow) CR2 still holds the address that started it.</summary>
    private static void FaultLine(in Registers r)
    {
        ulong address = Cpu.ReadCr2();
        var line = new LogLine(true);
        line.Text("fault: "u8);
        if (r.Vector == InterruptVectors.PageFault)
        {
            ulong e = r.ErrorCode;
            line.Text((e & (1 << 4)) != 0 ? "execute"u8 : (e & (1 << 1)) != 0 ? "write"u8 : "read"u8);
            line.Text(" at "u8);
            line.Address(address);
            line.Text((e & 1) != 0 ? " (protection violation"u8 : " (not present"u8);
            line.Text((e & (1 << 2)) != 0 ? ", user mode)"u8 : ", kernel mode)"u8);
        }
        else
        {
            line.Text("double fault; last page-fault address "u8);
            line.Address(address);
        }
        line.Text(" in "u8);
        line.Text(Memory.Paging.KernelPageTables.AreaName(address));
        line.EndUnlocked();
    }

    private static ulong StackLimit(ulong rsp)
    {
        // On the boot stack the top is known; elsewhere scan a bounded window.
        // (An overflow leaves rsp in the guard page just below the boot stack.)
        if (rsp >= KernelImage.BootStackBottom - 4096 && rsp < KernelImage.BootStackTop)
        {
            return KernelImage.BootStackTop;
        }

        return rsp + 4096;
    }

    private static void StackLine(int index, ulong address)
    {
        var line = new LogLine(true);
        line.Text("  #"u8);
        line.Decimal((long)index);
        line.Text(" "u8);
        line.Address(address);
        line.EndUnlocked();
    }

    private static void Pair4(System.ReadOnlySpan<byte> n1, ulong v1, System.ReadOnlySpan<byte> n2, ulong v2,
                              System.ReadOnlySpan<byte> n3, ulong v3, System.ReadOnlySpan<byte> n4, ulong v4)
    {
        var line = new LogLine(true);
        line.Text(n1); line.Address(v1);
        line.Text(n2); line.Address(v2);
        line.Text(n3); line.Address(v3);
        line.Text(n4); line.Address(v4);
        line.EndUnlocked();
    }
}
