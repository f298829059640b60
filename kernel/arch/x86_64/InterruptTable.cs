using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>The IDT: all 256 vectors point at their stubs in interrupts.asm, which
/// funnel into <see cref="InterruptDispatcher"/>.</summary>
internal static unsafe class InterruptTable
{
    [DllImport("*", EntryPoint = "mk_interrupt_stubs_base"), SuppressGCTransition]
    private static extern ulong StubsBase();

    private const int StubSpacing = 16;

    [StructLayout(LayoutKind.Sequential)]
    private struct Gate
    {
        internal ushort OffsetLow;
        internal ushort Selector;
        internal byte Ist;
        internal byte TypeAttributes;
        internal ushort OffsetMiddle;
        internal uint OffsetHigh;
        internal uint Reserved;
    }

    [InlineArray(256)]
    private struct Gates { private Gate _element; }

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct DescriptorPointer
    {
        internal ushort Limit;
        internal ulong Base;
    }

    private static Gates s_gates;

    /// <summary>Fills and loads the IDT. Double fault, NMI and machine check run on
    /// their own IST stacks; vector 3 (breakpoint) may be raised from ring 3.</summary>
    internal static void Initialize()
    {
        ulong stubs = StubsBase();
        for (int vector = 0; vector < 256; vector++)
        {
            ulong handler = stubs + (ulong)(vector * StubSpacing);
            ref Gate gate = ref s_gates[vector];
            gate.OffsetLow = (ushort)handler;
            gate.Selector = SegmentTables.KernelCode;
            gate.Ist = vector switch
            {
                InterruptVectors.DoubleFault => SegmentTables.DoubleFaultIst,
                InterruptVectors.Nmi => SegmentTables.NmiIst,
                InterruptVectors.MachineCheck => SegmentTables.MachineCheckIst,
                _ => 0,
            };
            // 0x8E: present, ring 0, 64-bit interrupt gate (interrupts masked on entry).
            gate.TypeAttributes = vector == InterruptVectors.Breakpoint ? (byte)0xEE : (byte)0x8E;
            gate.OffsetMiddle = (ushort)(handler >> 16);
            gate.OffsetHigh = (uint)(handler >> 32);
            gate.Reserved = 0;
        }
        Load();
    }

    /// <summary>Loads the IDT on this CPU (each CPU loads the same table).</summary>
    internal static void Load()
    {
        DescriptorPointer pointer;
        pointer.Limit = (ushort)(256 * sizeof(Gate) - 1);
        pointer.Base = (ulong)Unsafe.AsPointer(ref s_gates);
        Cpu.LoadIdt(&pointer);
    }
}
