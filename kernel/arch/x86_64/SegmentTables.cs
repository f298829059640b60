using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>The GDT and TSS of a CPU.</summary>
/// <remarks>Selector layout is fixed for SYSCALL/SYSRET, which derive user selectors
/// from STAR: 0x08 kernel code, 0x10 kernel data, 0x18 (unused 32-bit user code),
/// 0x20 user data, 0x28 user code, 0x30 the TSS (two slots). The TSS gives the double
/// fault and NMI their own stacks (IST1, IST2), so a kernel stack overflow or an NMI
/// at a bad moment still gets a report instead of a triple fault.</remarks>
internal static unsafe class SegmentTables
{
    internal const ushort KernelCode = 0x08;
    internal const ushort KernelData = 0x10;
    internal const ushort UserData = 0x20 | 3;
    internal const ushort UserCode = 0x28 | 3;
    internal const ushort TaskState = 0x30;

    internal const int DoubleFaultIst = 1;
    internal const int NmiIst = 2;
    internal const int MachineCheckIst = 3;
    private const int IstStackSize = 16 * 1024;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct TaskStateSegment
    {
        internal uint Reserved0;
        internal ulong Rsp0, Rsp1, Rsp2;
        internal ulong Reserved1;
        internal ulong Ist1, Ist2, Ist3, Ist4, Ist5, Ist6, Ist7;
        internal ulong Reserved2;
        internal ushort Reserved3;
        internal ushort IoMapBase;
    }

    [InlineArray(8)]
    private struct GdtEntries { private ulong _element; }

    [InlineArray(IstStackSize)]
    private struct IstStack { private byte _element; }

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct DescriptorPointer
    {
        internal ushort Limit;
        internal ulong Base;
    }

    private static GdtEntries s_gdt;
    private static TaskStateSegment s_tss;
    private static IstStack s_doubleFaultStack;
    private static IstStack s_nmiStack;
    private static IstStack s_machineCheckStack;

    /// <summary>Builds and loads the boot CPU's GDT and TSS.</summary>
    internal static void Initialize()
    {
        s_gdt[0] = 0;
        s_gdt[1] = 0x00AF9A000000FFFF; // kernel code: present, ring 0, executable, long mode
        s_gdt[2] = 0x00CF92000000FFFF; // kernel data
        s_gdt[3] = 0;                  // 32-bit user code: not used
        s_gdt[4] = 0x00CFF2000000FFFF; // user data, ring 3
        s_gdt[5] = 0x00AFFA000000FFFF; // user code, ring 3, long mode

        s_tss.Ist1 = StackTop(ref s_doubleFaultStack);
        s_tss.Ist2 = StackTop(ref s_nmiStack);
        s_tss.Ist3 = StackTop(ref s_machineCheckStack);
        s_tss.IoMapBase = (ushort)sizeof(TaskStateSegment); // no I/O permission bitmap

        ulong tssBase = (ulong)Unsafe.AsPointer(ref s_tss);
        ulong limit = (ulong)sizeof(TaskStateSegment) - 1;
        s_gdt[6] = (limit & 0xFFFF) | ((tssBase & 0xFFFFFF) << 16) | (0x89UL << 40) // present, 64-bit TSS (available)
                 | (((limit >> 16) & 0xF) << 48) | (((tssBase >> 24) & 0xFF) << 56);
        s_gdt[7] = tssBase >> 32;

        DescriptorPointer pointer;
        pointer.Limit = 8 * 8 - 1;
        pointer.Base = (ulong)Unsafe.AsPointer(ref s_gdt);
        Cpu.LoadGdt(&pointer, KernelCode, KernelData);
        Cpu.LoadTaskRegister(TaskState);
    }

    /// <summary>Once the kernel's page tables are active, gives the double fault, NMI
    /// and machine check stacks an unmapped guard page each (the boot-time static
    /// stacks have none). Keeps the static ones if memory is short.</summary>
    internal static void MoveInterruptStacksToGuardedStacks()
    {
        ulong doubleFault = Memory.KernelStacks.Allocate(IstStackSize / 4096);
        ulong nmi = Memory.KernelStacks.Allocate(IstStackSize / 4096);
        ulong machineCheck = Memory.KernelStacks.Allocate(IstStackSize / 4096);
        if (doubleFault != 0)
        {
            s_tss.Ist1 = doubleFault;
        }

        if (nmi != 0)
        {
            s_tss.Ist2 = nmi;
        }

        if (machineCheck != 0)
        {
            s_tss.Ist3 = machineCheck;
        }
    }

    /// <summary>The stack the CPU switches to on an interrupt from ring 3 (set per thread later).</summary>
    internal static void SetKernelStack(ulong top) => s_tss.Rsp0 = top;

    /// <summary>Where TSS.rsp0 lives (mk_run_user writes it directly).</summary>
    internal static ulong Rsp0Address => (ulong)Unsafe.AsPointer(ref s_tss.Rsp0);

    private static ulong StackTop(ref IstStack stack) => ((ulong)Unsafe.AsPointer(ref stack) + IstStackSize) & ~15UL;
}
