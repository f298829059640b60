using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>Per-CPU data the assembly reaches through GS (usermode.asm documents the
/// offsets). The kernel runs with GS_BASE pointing here; user code runs with it
/// parked in KERNEL_GS_BASE, and swapgs flips them at every ring crossing.</summary>
internal static unsafe class PerCpu
{
    private const uint GsBaseMsr = 0xC0000101;
    private const uint KernelGsBaseMsr = 0xC0000102;

    [StructLayout(LayoutKind.Sequential)]
    internal struct Block
    {
        internal ulong Self;            // gs:0
        internal ulong KernelStackTop;  // gs:8  stack for syscalls (and TSS.rsp0)
        internal ulong UserRspScratch;  // gs:16
        internal ulong SavedKernelRsp;  // gs:24 where mk_user_return goes back to
        internal uint CpuIndex;         // gs:32
        private uint _padding;
        internal ulong TssRsp0Address;  // gs:40 where mk_run_user writes its entry stack
    }

    private static Block s_bootCpu;

    /// <summary>Points GS at the boot CPU's block.</summary>
    internal static void InitializeBootCpu()
    {
        fixed (Block* block = &s_bootCpu)
        {
            block->Self = (ulong)block;
            block->TssRsp0Address = SegmentTables.Rsp0Address;
            Cpu.WriteMsr(GsBaseMsr, (ulong)block);
        }
        Cpu.WriteMsr(KernelGsBaseMsr, 0);
    }

    /// <summary>The stack ring-3 code enters the kernel on (syscalls and interrupts).</summary>
    internal static void SetKernelStack(ulong top)
    {
        s_bootCpu.KernelStackTop = top;
        SegmentTables.SetKernelStack(top);
    }

    /// <summary>The stack ring 3 enters the kernel on (set per user run, saved per thread).</summary>
    internal static ulong KernelStackTop => s_bootCpu.KernelStackTop;

    /// <summary>Where the running thread's user program returns to when it ends (gs:24);
    /// saved and restored per thread on every switch.</summary>
    internal static ulong UserReturnRsp
    {
        get => s_bootCpu.SavedKernelRsp;
        set => s_bootCpu.SavedKernelRsp = value;
    }
}
