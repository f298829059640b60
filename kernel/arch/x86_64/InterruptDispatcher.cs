using System.Runtime.InteropServices;
using Microkernel.Diagnostics;

namespace Microkernel.Arch;

/// <summary>Where every interrupt and exception lands after interrupts.asm saved the
/// registers. CPU exceptions become crash reports (unless a recovery hook claims
/// them); device interrupts go to the handler registered for their vector.</summary>
internal static unsafe class InterruptDispatcher
{
    /// <summary>A device interrupt handler. Runs with interrupts masked, on the
    /// interrupted stack; it must not allocate or take a lock a thread might hold
    /// with interrupts enabled (ISR safety, see docs).</summary>
    private static InterruptHandlers s_handlers;

    [System.Runtime.CompilerServices.InlineArray(256)]
    private struct InterruptHandlers { private nint _element; }

    /// <summary>Consulted before an exception becomes a panic: returns true when it
    /// fixed the frame (nofault copies, in-image tests that expect a fault).</summary>
    internal static delegate*<InterruptFrame*, bool> ExceptionRecovery = null;

    /// <summary>Number of interrupts taken per vector class, for the store later.</summary>
    internal static ulong ExceptionCount;
    internal static ulong DeviceInterruptCount;

    /// <summary>Routes <paramref name="vector"/> to <paramref name="handler"/>.</summary>
    internal static void Register(int vector, delegate*<InterruptFrame*, void> handler)
    {
        s_handlers[vector] = (nint)handler;
    }

    [UnmanagedCallersOnly(EntryPoint = "mk_interrupt_dispatch")]
    private static void Dispatch(InterruptFrame* frame)
    {
        ulong vector = frame->Vector;
        if (vector < 32)
        {
            ExceptionCount++;
            // Demand paging first: a probe of a not-yet-touched anonymous page must
            // fill it, not fail through the probe's fix-up.
            if (vector == InterruptVectors.PageFault && Memory.AddressSpace.Current != null &&
                Memory.AddressSpace.Current.HandlePageFault(Cpu.ReadCr2(), frame->ErrorCode))
            {
                return;
            }

            if (FaultFixups.TryFix(frame))
            {
                return;
            }

            if (ExceptionRecovery != null && ExceptionRecovery(frame))
            {
                return;
            }
            // A fault in ring 3 ends the program, never the kernel.
            if ((frame->Cs & 3) != 0)
            {
                UserMode.EndOnFault(frame);
                return;
            }
            Panic.FromException(frame);
            return;
        }
        DeviceInterruptCount++;
        nint handler = s_handlers[(int)vector];
        if (handler != 0)
        {
            ((delegate*<InterruptFrame*, void>)handler)(frame);
            return;
        }
        if (vector == InterruptVectors.Spurious)
        {
            return;
        }
        // An unexpected device vector: acknowledge it so the APIC does not stall.
        LocalApic.EndOfInterrupt();
    }
}
