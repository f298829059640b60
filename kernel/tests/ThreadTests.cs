using Microkernel.Arch;
using Microkernel.Memory;
using Microkernel.Process;
using Microkernel.Scheduling;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>Kernel threads on the scheduler: cooperative interleaving, timer
/// preemption, blocking and waking, sleeping, priorities, and ring-3 programs in
/// separate address spaces preempted in turn.</summary>
internal static unsafe class ThreadTests
{
    internal static void Register()
    {
        TestRegistry.Add("sched/threads-yield-interleave", &YieldInterleave);
        TestRegistry.Add("sched/timer-preempts-a-spinning-thread", &Preemption);
        TestRegistry.Add("sched/block-then-wake", &BlockWake);
        TestRegistry.Add("sched/sleep-for-ticks", &SleepTicks);
        TestRegistry.Add("sched/higher-priority-runs-first", &Priorities);
        TestRegistry.Add("sched/user-programs-preempted-in-turn", &UserProgramsInterleave);
    }

    private const int LogCapacity = 64;
    private static ulong* s_log;
    private static int s_logLength;

    private static void Append(ulong value)
    {
        if (s_logLength < LogCapacity)
        {
            s_log[s_logLength++] = value;
        }
    }

    private static void ResetLog()
    {
        if (s_log == null)
        {
            s_log = (ulong*)KernelObjectHeap.Allocate(LogCapacity * 8);
        }

        s_logLength = 0;
    }

    private static void Yielder(ulong id)
    {
        for (int i = 0; i < 4; i++)
        {
            Append(id);
            Threads.Yield();
        }
    }

    private static void YieldInterleave(ref TestResult t)
    {
        ResetLog();
        ThreadId a = Threads.Create(&Yielder, 1, 10);
        ThreadId b = Threads.Create(&Yielder, 2, 10);
        True(ref t, !a.IsNone && !b.IsNone, "two threads created"u8);
        Threads.Start(a);
        Threads.Start(b);
        Threads.RunReadyThreads();
        Equal(ref t, 8, s_logLength, "both ran all their steps"u8);
        bool alternates = true;
        for (int i = 0; i < s_logLength; i++)
        {
            if (s_log[i] != (ulong)(1 + i % 2))
            {
                alternates = false;
            }
        }

        True(ref t, alternates, "yield alternates equal-priority threads: 1 2 1 2 ..."u8);
        Equal(ref t, (long)ThreadState.Exited, (long)Threads.StateOf(a), "finished threads are exited"u8);
    }

    private static int s_flag;
    private static int s_spinnerSawFlag;

    private static void Spinner(ulong unused)
    {
        ulong deadline = Cpu.ReadTsc() + 2 * TimeStampCounter.Hz;
        while (System.Threading.Volatile.Read(ref s_flag) == 0 && Cpu.ReadTsc() < deadline) { }
        s_spinnerSawFlag = System.Threading.Volatile.Read(ref s_flag);
    }

    private static void FlagSetter(ulong unused) => System.Threading.Volatile.Write(ref s_flag, 1);

    private static void Preemption(ref TestResult t)
    {
        s_flag = 0;
        s_spinnerSawFlag = 0;
        ulong switches = Threads.Switches;
        Threads.Start(Threads.Create(&Spinner, 0, 10));
        Threads.Start(Threads.Create(&FlagSetter, 0, 10));
        Threads.RunReadyThreads();
        Equal(ref t, 1, s_spinnerSawFlag, "the spinner was preempted, the setter ran, the spinner saw it"u8);
        True(ref t, Threads.Switches >= switches + 3, "by context switches"u8);
    }

    private const ulong WakeKey = 0x7E57_0001;
    private static ulong s_afterWake;

    private static void Waiter(ulong unused)
    {
        Threads.Block(WakeKey);
        s_afterWake = 99;
    }

    private static void BlockWake(ref TestResult t)
    {
        s_afterWake = 0;
        ThreadId waiter = Threads.Create(&Waiter, 0, 10);
        Threads.Start(waiter);
        Threads.RunReadyThreads();
        Equal(ref t, (long)ThreadState.Blocked, (long)Threads.StateOf(waiter), "blocked on its key"u8);
        Equal(ref t, 0UL, s_afterWake, "and did not run on"u8);
        False(ref t, Threads.WakeOne(WakeKey + 1), "another key wakes nobody"u8);
        True(ref t, Threads.WakeOne(WakeKey), "its key wakes it"u8);
        Threads.RunReadyThreads();
        Equal(ref t, 99UL, s_afterWake, "it ran on after the wake-up"u8);
    }

    private static ulong s_sleptFrom, s_sleptUntil;

    private static void Sleeper(ulong ticks)
    {
        s_sleptFrom = LocalApic.Ticks;
        Threads.Sleep(ticks);
        s_sleptUntil = LocalApic.Ticks;
    }

    private static void SleepTicks(ref TestResult t)
    {
        s_sleptUntil = 0;
        ThreadId sleeper = Threads.Create(&Sleeper, 3, 10);
        Threads.Start(sleeper);
        Threads.RunReadyThreads();
        Equal(ref t, (long)ThreadState.Sleeping, (long)Threads.StateOf(sleeper), "asleep"u8);
        ulong deadline = Cpu.ReadTsc() + TimeStampCounter.Hz;
        // The idle thread halts; the timer wakes the sleeper and switches to it.
        while (s_sleptUntil == 0 && Cpu.ReadTsc() < deadline)
        {
            Cpu.EnableInterruptsAndHalt();
        }

        True(ref t, s_sleptUntil != 0, "it woke within a second"u8);
        True(ref t, s_sleptUntil >= s_sleptFrom + 3, "not before three ticks"u8);
    }

    private static void Recorder(ulong id) => Append(id);

    private static void Priorities(ref TestResult t)
    {
        ResetLog();
        Threads.Start(Threads.Create(&Recorder, 5, 5));
        Threads.Start(Threads.Create(&Recorder, 20, 20));
        Threads.Start(Threads.Create(&Recorder, 12, 12));
        Threads.RunReadyThreads();
        Equal(ref t, 3, s_logLength, "all ran"u8);
        True(ref t, s_log[0] == 20 && s_log[1] == 12 && s_log[2] == 5, "in priority order"u8);
    }

    private static long s_statusA, s_statusB;

    private static void RunSpinProgram(ulong which)
    {
        long status = UserMode.Run(UserModeTests.ProgramEntry, UserModeTests.ProgramStackTop);
        if (which == 1)
        {
            s_statusA = status;
        }
        else
        {
            s_statusB = status;
        }
    }

    private static void UserProgramsInterleave(ref TestResult t)
    {
        AddressSpace? a = UserModeTests.Prepare(UserModeTests.SpinProgram);
        AddressSpace? b = UserModeTests.Prepare(UserModeTests.SpinProgram);
        if (a == null || b == null) { True(ref t, false, "two prepared programs"u8); return; }
        s_statusA = s_statusB = 0;
        ulong switches = Threads.Switches;
        Threads.Start(Threads.Create(&RunSpinProgram, 1, 10, a));
        Threads.Start(Threads.Create(&RunSpinProgram, 2, 10, b));
        Threads.RunReadyThreads();
        Equal(ref t, 7, s_statusA, "the first program finished"u8);
        Equal(ref t, 7, s_statusB, "the second program finished"u8);
        True(ref t, Threads.Switches >= switches + 4, "they were preempted in turn"u8);
        Equal(ref t, KernelPageTablesRoot(), Cpu.ReadCr3() & 0x000F_FFFF_FFFF_F000UL, "back on the kernel's tables"u8);
        a.Destroy();
        b.Destroy();
    }

    private static ulong KernelPageTablesRoot() => Memory.Paging.KernelPageTables.Root;
}
