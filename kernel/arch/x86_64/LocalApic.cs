namespace Microkernel.Arch;

/// <summary>The local APIC of the executing CPU (xAPIC, memory-mapped at the address
/// in IA32_APIC_BASE): its timer drives scheduling ticks; EOI acknowledges interrupts.</summary>
/// <remarks>The timer only counts and raises a tick; what a tick means (preemption, a
/// killed program ending) is decided by whoever registered with <see cref="SetTickHandler"/>
/// (the scheduler), so arch never reaches up into the rooms above it.</remarks>
internal static unsafe class LocalApic
{
    private const uint ApicBaseMsr = 0x1B;
    private const int RegisterId = 0x20;
    private const int RegisterEoi = 0xB0;
    private const int RegisterSpurious = 0xF0;
    private const int RegisterLvtTimer = 0x320;
    private const int RegisterTimerInitial = 0x380;
    private const int RegisterTimerCurrent = 0x390;
    private const int RegisterTimerDivide = 0x3E0;
    private const uint TimerPeriodic = 1 << 17;
    private const uint Masked = 1 << 16;

    private static byte* s_base;
    private static delegate*<bool, void> s_tickHandler;

    /// <summary>Ticks counted by the timer handler since it started.</summary>
    internal static ulong Ticks;

    /// <summary>Timer interrupts per second once started.</summary>
    internal static uint TickHz;

    internal static bool IsInitialized => s_base != null;

    /// <summary>The APIC's register page as IA32_APIC_BASE states it.</summary>
    internal static ulong PhysicalBase() => Cpu.ReadMsr(ApicBaseMsr) & 0x000F_FFFF_FFFF_F000UL;

    /// <summary>Enables the APIC (software enable in the spurious vector register).</summary>
    internal static void Initialize()
    {
        ulong msr = Cpu.ReadMsr(ApicBaseMsr);
        Cpu.WriteMsr(ApicBaseMsr, msr | (1 << 11)); // global enable
        s_base = (byte*)(msr & 0xFFFFF000UL);
        Write(RegisterSpurious, 0x100 | InterruptVectors.Spurious);
    }

    /// <summary>The APIC id of the executing CPU.</summary>
    internal static uint Id => s_base == null ? 0 : Read(RegisterId) >> 24;

    /// <summary>Starts a periodic timer at <paramref name="hz"/>, calibrated against
    /// the TSC (whose rate is known by then).</summary>
    internal static void StartTimer(uint hz, ulong tscHz)
    {
        Write(RegisterTimerDivide, 0x3);                 // divide by 16
        Write(RegisterLvtTimer, Masked | InterruptVectors.Timer);
        Write(RegisterTimerInitial, 0xFFFFFFFF);
        // Count APIC timer ticks over 1 ms of TSC time.
        ulong start = Cpu.ReadTsc();
        ulong wait = tscHz / 1000;
        while (Cpu.ReadTsc() - start < wait)
        {
            Cpu.Pause();
        }

        uint elapsed = 0xFFFFFFFF - Read(RegisterTimerCurrent);
        ulong perSecond = (ulong)elapsed * 1000;
        uint initial = (uint)(perSecond / hz);
        if (initial == 0)
        {
            initial = 1;
        }

        TickHz = hz;
        InterruptDispatcher.Register(InterruptVectors.Timer, &OnTimer);
        Write(RegisterLvtTimer, TimerPeriodic | InterruptVectors.Timer);
        Write(RegisterTimerInitial, initial);
    }

    /// <summary>Registers what runs on every timer tick, after it is counted and
    /// acknowledged; its argument says whether the tick interrupted ring 3.</summary>
    internal static void SetTickHandler(delegate*<bool, void> handler) => s_tickHandler = handler;

    /// <summary>Acknowledges the interrupt being serviced.</summary>
    internal static void EndOfInterrupt()
    {
        if (s_base != null)
        {
            Write(RegisterEoi, 0);
        }
    }

    private static void OnTimer(InterruptFrame* frame)
    {
        Ticks++;
        // Acknowledge before a possible switch: the next thread may run a long time
        // before this interrupt's frame unwinds.
        EndOfInterrupt();
        delegate*<bool, void> handler = s_tickHandler;
        if (handler != null)
        {
            handler((frame->Cs & 3) != 0);
        }
    }

    // Volatile: MMIO must be touched exactly once per access, in program order.
    private static uint Read(int register) => System.Threading.Volatile.Read(ref *(uint*)(s_base + register));

    private static void Write(int register, uint value) => System.Threading.Volatile.Write(ref *(uint*)(s_base + register), value);
}
