using Microkernel.Arch;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>CPU identification, the TSC, the APIC timer, and exception delivery
/// (each exception is caught by a test recovery hook and the case carries on).</summary>
internal static unsafe class ArchTests
{
    internal static void Register()
    {
        TestRegistry.Add("arch/cpuid-features", &CpuidFeatures);
        TestRegistry.Add("arch/tsc-rate-and-monotonic", &Tsc);
        TestRegistry.Add("arch/apic-timer-ticks", &TimerTicks);
        TestRegistry.Add("arch/breakpoint-delivered", &BreakpointDelivered);
        TestRegistry.Add("arch/invalid-opcode-delivered", &InvalidOpcodeDelivered);
        TestRegistry.Add("arch/null-page-faults", &NullPageFaults);
    }

    private static void CpuidFeatures(ref TestResult t)
    {
        System.ReadOnlySpan<byte> vendor = CpuFeatures.Trimmed(ref CpuFeatures.VendorName);
        Equal(ref t, 12, vendor.Length, "vendor string length"u8);
        for (int i = 0; i < vendor.Length; i++)
        {
            True(ref t, vendor[i] >= 0x20 && vendor[i] < 0x7F, "vendor is printable"u8);
        }

        True(ref t, CpuFeatures.Sse2, "SSE2 (x86-64 baseline)"u8);
        True(ref t, CpuFeatures.MaxLeaf >= 1, "CPUID leaf 1 exists"u8);
        True(ref t, CpuFeatures.MaxExtendedLeaf >= 0x80000001, "extended leaves exist"u8);
    }

    private static void Tsc(ref TestResult t)
    {
        True(ref t, TimeStampCounter.Hz >= 100_000_000 && TimeStampCounter.Hz <= 20_000_000_000, "rate between 100 MHz and 20 GHz"u8);
        ulong a = Cpu.ReadTsc();
        ulong b = Cpu.ReadTsc();
        True(ref t, b > a, "the TSC advances"u8);
        Equal(ref t, 1_000_000UL, TimeStampCounter.ToMicroseconds(TimeStampCounter.Hz), "one second of ticks is 10^6 us"u8);
    }

    private static void TimerTicks(ref TestResult t)
    {
        True(ref t, Cpu.InterruptsEnabled, "interrupts are on while tests run"u8);
        ulong start = LocalApic.Ticks;
        ulong deadline = Cpu.ReadTsc() + TimeStampCounter.Hz; // one second
        while (LocalApic.Ticks < start + 3 && Cpu.ReadTsc() < deadline)
        {
            Cpu.EnableInterruptsAndHalt();
        }

        True(ref t, LocalApic.Ticks >= start + 3, "three timer ticks within a second"u8);
        Equal(ref t, 100UL, (ulong)LocalApic.TickHz, "configured rate"u8);
    }

    private static ulong s_lastVector;
    private static ulong s_lastRip;
    private static int s_caught;

    // Test-only recovery: remember the exception; step over a 2-byte ud2.
    private static bool Catch(InterruptFrame* frame)
    {
        s_lastVector = frame->Vector;
        s_lastRip = frame->Rip;
        s_caught++;
        if (frame->Vector == InterruptVectors.InvalidOpcode)
        {
            frame->Rip += 2;
        }

        return frame->Vector == InterruptVectors.InvalidOpcode || frame->Vector == InterruptVectors.Breakpoint;
    }

    private static void BreakpointDelivered(ref TestResult t)
    {
        s_caught = 0;
        InterruptDispatcher.ExceptionRecovery = &Catch;
        Cpu.Breakpoint();
        InterruptDispatcher.ExceptionRecovery = null;
        Equal(ref t, 1, s_caught, "one exception taken"u8);
        Equal(ref t, (ulong)InterruptVectors.Breakpoint, s_lastVector, "vector 3"u8);
        True(ref t, s_lastRip >= Diagnostics.KernelImage.TextStart && s_lastRip < Diagnostics.KernelImage.TextEnd, "rip in kernel code"u8);
    }

    private static void InvalidOpcodeDelivered(ref TestResult t)
    {
        s_caught = 0;
        ulong before = InterruptDispatcher.ExceptionCount;
        InterruptDispatcher.ExceptionRecovery = &Catch;
        Cpu.InvalidOpcode();
        Cpu.InvalidOpcode();
        InterruptDispatcher.ExceptionRecovery = null;
        Equal(ref t, 2, s_caught, "two exceptions taken and resumed"u8);
        Equal(ref t, (ulong)InterruptVectors.InvalidOpcode, s_lastVector, "vector 6"u8);
        Equal(ref t, before + 2, InterruptDispatcher.ExceptionCount, "exception counter"u8);
    }

    private static void NullPageFaults(ref TestResult t)
    {
        ulong recovered = FaultFixups.Recovered;
        False(ref t, FaultFixups.TryRead(0, out _), "page 0 is not mapped"u8);
        False(ref t, FaultFixups.TryRead(0xFF8, out _), "nor its last word"u8);
        True(ref t, FaultFixups.TryRead(0x1000, out _), "page 1 is mapped"u8);
        ulong value = 0x1122334455667788;
        True(ref t, FaultFixups.TryRead((ulong)&value, out ulong read) && read == value, "probe reads real memory"u8);
        Equal(ref t, recovered + 2, FaultFixups.Recovered, "two faults went through the fix-up"u8);
    }
}
