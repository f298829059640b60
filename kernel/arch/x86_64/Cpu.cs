using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>Privileged x86-64 instructions, one small assembly function each (cpu.asm).</summary>
/// <remarks>This is the only place the kernel touches the CPU directly; everything
/// else calls these, so host tests can stand in for them behind small interfaces.</remarks>
internal static unsafe class Cpu
{
    [DllImport("*", EntryPoint = "mk_outb"), SuppressGCTransition] internal static extern void OutByte(ushort port, byte value);
    [DllImport("*", EntryPoint = "mk_outw"), SuppressGCTransition] internal static extern void OutWord(ushort port, ushort value);
    [DllImport("*", EntryPoint = "mk_outl"), SuppressGCTransition] internal static extern void OutDword(ushort port, uint value);
    [DllImport("*", EntryPoint = "mk_inb"), SuppressGCTransition] internal static extern byte InByte(ushort port);
    [DllImport("*", EntryPoint = "mk_inw"), SuppressGCTransition] internal static extern ushort InWord(ushort port);
    [DllImport("*", EntryPoint = "mk_inl"), SuppressGCTransition] internal static extern uint InDword(ushort port);
    [DllImport("*", EntryPoint = "mk_cpuid"), SuppressGCTransition] private static extern void CpuidRaw(uint leaf, uint subleaf, uint* registers);
    [DllImport("*", EntryPoint = "mk_rdtsc"), SuppressGCTransition] internal static extern ulong ReadTsc();
    [DllImport("*", EntryPoint = "mk_rdmsr"), SuppressGCTransition] internal static extern ulong ReadMsr(uint msr);
    [DllImport("*", EntryPoint = "mk_wrmsr"), SuppressGCTransition] internal static extern void WriteMsr(uint msr, ulong value);
    [DllImport("*", EntryPoint = "mk_read_cr0"), SuppressGCTransition] internal static extern ulong ReadCr0();
    [DllImport("*", EntryPoint = "mk_read_cr2"), SuppressGCTransition] internal static extern ulong ReadCr2();
    [DllImport("*", EntryPoint = "mk_read_cr3"), SuppressGCTransition] internal static extern ulong ReadCr3();
    [DllImport("*", EntryPoint = "mk_read_cr4"), SuppressGCTransition] internal static extern ulong ReadCr4();
    [DllImport("*", EntryPoint = "mk_write_cr3"), SuppressGCTransition] internal static extern void WriteCr3(ulong value);
    [DllImport("*", EntryPoint = "mk_invlpg"), SuppressGCTransition] internal static extern void InvalidatePage(ulong address);
    [DllImport("*", EntryPoint = "mk_read_rflags"), SuppressGCTransition] internal static extern ulong ReadRflags();
    [DllImport("*", EntryPoint = "mk_read_rbp"), SuppressGCTransition] internal static extern ulong ReadFramePointer();
    [DllImport("*", EntryPoint = "mk_lidt"), SuppressGCTransition] internal static extern void LoadIdt(void* pointer);
    [DllImport("*", EntryPoint = "mk_load_gdt"), SuppressGCTransition] internal static extern void LoadGdt(void* pointer, ushort codeSelector, ushort dataSelector);
    [DllImport("*", EntryPoint = "mk_ltr"), SuppressGCTransition] internal static extern void LoadTaskRegister(ushort selector);
    [DllImport("*", EntryPoint = "mk_hlt"), SuppressGCTransition] internal static extern void Halt();
    [DllImport("*", EntryPoint = "mk_cli"), SuppressGCTransition] internal static extern void DisableInterrupts();
    [DllImport("*", EntryPoint = "mk_sti"), SuppressGCTransition] internal static extern void EnableInterrupts();
    [DllImport("*", EntryPoint = "mk_sti_hlt"), SuppressGCTransition] internal static extern void EnableInterruptsAndHalt();
    [DllImport("*", EntryPoint = "mk_pause"), SuppressGCTransition] internal static extern void Pause();
    [DllImport("*", EntryPoint = "mk_rdrand64"), SuppressGCTransition] internal static extern bool RdRand64(ulong* value);
    [DllImport("*", EntryPoint = "mk_int3"), SuppressGCTransition] internal static extern void Breakpoint();
    [DllImport("*", EntryPoint = "mk_ud2"), SuppressGCTransition] internal static extern void InvalidOpcode();
    [DllImport("*", EntryPoint = "mk_here"), SuppressGCTransition] internal static extern ulong Here();
    [DllImport("*", EntryPoint = "mk_triple_fault"), SuppressGCTransition] internal static extern void TripleFault();

    /// <summary>The four registers CPUID returns for a leaf.</summary>
    internal struct CpuidResult
    {
        internal uint Eax, Ebx, Ecx, Edx;
    }

    internal static CpuidResult Cpuid(uint leaf, uint subleaf = 0)
    {
        CpuidResult result;
        CpuidRaw(leaf, subleaf, (uint*)&result);
        return result;
    }

    /// <summary>True when maskable interrupts are enabled (RFLAGS.IF).</summary>
    internal static bool InterruptsEnabled => (ReadRflags() & (1 << 9)) != 0;

    /// <summary>Stops this CPU for good.</summary>
    internal static void HaltForever()
    {
        while (true)
        {
            DisableInterrupts();
            Halt();
        }
    }
}
