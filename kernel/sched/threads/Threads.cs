using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Memory;

namespace Microkernel.Scheduling;

/// <summary>Kernel threads: the mechanism under the scheduler's policy (<see cref="Scheduler"/>).</summary>
/// <remarks>
/// A thread is a guarded kernel stack, a saved stack pointer, and optionally an
/// address space; the scheduler decides who runs. The boot context is CPU 0's idle
/// thread: it runs whatever kmain does and gets the CPU back whenever nothing else is
/// ready. Preemption: the timer interrupt charges the running thread and switches
/// inside the interrupt when the scheduler says so; the interrupted thread's registers
/// and SSE state stay on its own stack until it resumes. Interrupts are masked while
/// the scheduler's state changes (that is its lock on one CPU; SMP adds a spin lock
/// in <see cref="Enter"/>/<see cref="Leave"/>). The local APIC's timer raises
/// <see cref="OnTimerTick"/> through the hook registered in <see cref="Initialize"/>;
/// this class decides whether to switch and whether an interrupted, killed program ends.
/// </remarks>
internal static unsafe class Threads
{
    internal const int Capacity = 64;
    private const int StackPages = 8;
    private const int TimesliceTicks = 2;

    [DllImport("*", EntryPoint = "mk_switch_context"), SuppressGCTransition]
    private static extern void SwitchContext(ulong* saveRsp, ulong newRsp);

    [DllImport("*", EntryPoint = "mk_thread_trampoline_address"), SuppressGCTransition]
    private static extern ulong TrampolineAddress();

    /// <summary>What the kernel keeps per thread beside the scheduler's record.</summary>
    private struct Context
    {
        internal ulong SavedRsp;
        internal ulong StackTop;
        internal ulong KernelEntryRsp;
        internal ulong UserReturnRsp;
        internal AddressSpace? Space;
        /// <summary>Asked to end (a killed process): the thread's program ends on its
        /// next way back to ring 3.</summary>
        internal bool Killed;
    }

    private static Scheduler s_scheduler;
    // Made in Initialize, not by a field initializer: without a static constructor ilc
    // emits no "class initialised yet?" check on every access to this class's statics,
    // and these accesses sit on the call/reply path.
    private static Context[] s_contexts = null!;
    private static bool s_ready;

    /// <summary>Context switches performed.</summary>
    internal static ulong Switches;

    /// <summary>Hand-offs performed (the call/reply fast path taken).</summary>
    internal static ulong HandOffs;

    /// <summary>Some thread was killed (process_kill or the shutdown's last resort): from
    /// then on every return to ring 3 checks whether it is the one. One load on the system
    /// call path until the first kill ever.</summary>
    internal static bool KillPending;

    internal static bool IsReady => s_ready;

    /// <summary>Sets up the scheduler with the boot context as CPU 0's idle thread.</summary>
    internal static bool Initialize()
    {
        ulong recordBytes = (ulong)(Capacity * sizeof(ThreadRecord) + sizeof(RunQueue));
        if (!PhysicalMemory.TryAllocateContiguous(FramePurpose.KernelStack, (recordBytes + 4095) / 4096, 1, out ulong storage))
        {
            return false;
        }

        new System.Span<byte>((void*)storage, (int)recordBytes).Clear();
        var queue = (RunQueue*)(storage + (ulong)(Capacity * sizeof(ThreadRecord)));
        if (s_scheduler.Initialize((ThreadRecord*)storage, Capacity, queue, 1, TimesliceTicks) != SchedStatus.Ok)
        {
            return false;
        }

        s_contexts = new Context[Capacity];
        ref Context idle = ref s_contexts[s_scheduler.IdleThread(0).Index];
        idle.StackTop = PerCpu.KernelStackTop;
        idle.KernelEntryRsp = PerCpu.KernelStackTop;
        s_ready = true;
        LocalApic.SetTickHandler(&OnTimerTick);
        return true;
    }

    /// <summary>A thread that runs <paramref name="entry"/>(<paramref name="argument"/>)
    /// at <paramref name="priority"/> (0..31), in <paramref name="space"/> if given.
    /// Created, not started.</summary>
    internal static ThreadId Create(delegate*<ulong, void> entry, ulong argument, int priority, AddressSpace? space = null)
    {
        ulong top = KernelStacks.Allocate(StackPages);
        if (top == 0)
        {
            return ThreadId.None;
        }

        bool interrupts = Enter();
        SchedStatus status = s_scheduler.Create(priority, 0, out ThreadId id);
        Leave(interrupts);
        if (status != SchedStatus.Ok)
        {
            return ThreadId.None;
        }

        // The frame mk_switch_context pops: control words, r15..rbp, return address.
        // After its ret the trampoline runs with rsp = top (16-aligned), so its call
        // enters the thread's function with rsp = 8 mod 16, as the ABI requires.
        ulong* sp = (ulong*)top;
        *--sp = TrampolineAddress();     // ret target
        *--sp = 0;                       // rbp
        *--sp = 0;                       // rbx
        *--sp = (ulong)entry;            // r12
        *--sp = argument;                // r13
        *--sp = 0;                       // r14
        *--sp = 0;                       // r15
        *--sp = 0x1F80 | (0x037FUL << 32); // MXCSR default, x87 control word default
        ref Context context = ref s_contexts[id.Index];
        context.SavedRsp = (ulong)sp;
        context.StackTop = top;
        context.KernelEntryRsp = top; // until it runs user code, which sets its own
        context.UserReturnRsp = 0;
        context.Space = space;
        context.Killed = false;
        return id;
    }

    /// <summary>Makes a created thread ready.</summary>
    internal static bool Start(ThreadId id)
    {
        bool interrupts = Enter();
        bool ok = s_scheduler.Start(id, out _) == SchedStatus.Ok;
        Leave(interrupts);
        return ok;
    }

    /// <summary>The running thread's id.</summary>
    internal static ThreadId Current => s_scheduler.Current(0);

    /// <summary>State of a thread (for tests and the store).</summary>
    internal static ThreadState StateOf(ThreadId id) =>
        s_scheduler.Query(id, out ThreadInfo info) == SchedStatus.Ok ? info.State : ThreadState.Free;

    /// <summary>Gives the CPU to another ready thread of equal or higher priority.</summary>
    internal static void Yield()
    {
        bool interrupts = Enter();
        if (s_scheduler.Yield(0) || s_scheduler.ReadyCount(0) > 0)
        {
            Reschedule();
        }

        Leave(interrupts);
    }

    /// <summary>Blocks the running thread until <see cref="WakeOne"/>(key).</summary>
    internal static void Block(ulong key)
    {
        bool interrupts = Enter();
        if (s_scheduler.Block(Current, key) == SchedStatus.Ok)
        {
            Reschedule();
        }

        Leave(interrupts);
    }

    /// <summary>Blocks the running thread until <see cref="WakeOne"/>(key) or timer tick
    /// <paramref name="deadlineTick"/>, whichever comes first.</summary>
    internal static void BlockUntil(ulong key, ulong deadlineTick)
    {
        bool interrupts = Enter();
        if (s_scheduler.BlockUntil(Current, key, deadlineTick) == SchedStatus.Ok)
        {
            Reschedule();
        }

        Leave(interrupts);
    }

    /// <summary>Takes <paramref name="thread"/> out of any wait or sleep (it re-checks
    /// why it waited: a stop or kill request).</summary>
    internal static void Interrupt(ThreadId thread)
    {
        bool interrupts = Enter();
        s_scheduler.Interrupt(thread, out _);
        Leave(interrupts);
    }

    /// <summary>Wakes the first thread blocked on <paramref name="key"/>.</summary>
    internal static bool WakeOne(ulong key)
    {
        bool interrupts = Enter();
        bool woke = s_scheduler.WakeOne(key, out _);
        Leave(interrupts);
        return woke;
    }

    /// <summary>Wakes every thread blocked on <paramref name="key"/> because its peer closed.</summary>
    internal static int WakeAllClosed(ulong key)
    {
        bool interrupts = Enter();
        int woken = s_scheduler.WakeAll(key, WakeReason.Closed, out _);
        Leave(interrupts);
        return woken;
    }

    /// <summary>Moves the running thread to <paramref name="space"/> (a restarted
    /// service's fresh address space) and loads it.</summary>
    internal static void SwitchSpace(AddressSpace space)
    {
        bool interrupts = Enter();
        s_contexts[Current.Index].Space = space;
        space.Activate();
        Leave(interrupts);
    }

    /// <summary>Loads <paramref name="space"/> (null: the kernel's tables) for the running
    /// thread and records it in the thread's context, so a preemption in between (the
    /// loader copying into a new space) switches back to the right tables.</summary>
    internal static void UseSpace(AddressSpace? space)
    {
        bool interrupts = Enter();
        if (s_ready)
        {
            s_contexts[Current.Index].Space = space;
        }

        if (space != null)
        {
            space.Activate();
        }
        else
        {
            AddressSpace.ActivateKernel();
        }

        Leave(interrupts);
    }

    /// <summary>Moves the running thread off its address space onto the kernel's own
    /// tables (an ending process's thread, so its space can be destroyed).</summary>
    internal static void LeaveSpace()
    {
        bool interrupts = Enter();
        s_contexts[Current.Index].Space = null;
        AddressSpace.ActivateKernel();
        Leave(interrupts);
    }

    /// <summary>Marks <paramref name="thread"/> killed and takes it out of any wait: its
    /// program ends at its next system call return or ring-3 timer tick.</summary>
    internal static void Kill(ThreadId thread)
    {
        bool interrupts = Enter();
        if (s_scheduler.Query(thread, out _) == SchedStatus.Ok)
        {
            s_contexts[thread.Index].Killed = true;
            KillPending = true;
        }
        Leave(interrupts);
        Interrupt(thread);
    }

    /// <summary>Ends the running thread's program if the thread was killed (on the way back
    /// to ring 3 from a system call or from a timer tick that interrupted ring 3).</summary>
    internal static void EndIfKilled()
    {
        if (!KillPending || !s_ready)
        {
            return;
        }

        if (s_contexts[Current.Index].Killed)
        {
            UserMode.Return(ExitStatus.Killed);
        }
    }

    /// <summary>Sleeps the running thread for <paramref name="ticks"/> timer ticks.</summary>
    internal static void Sleep(ulong ticks)
    {
        bool interrupts = Enter();
        if (s_scheduler.Sleep(Current, LocalApic.Ticks + ticks) == SchedStatus.Ok)
        {
            Reschedule();
        }

        Leave(interrupts);
    }

    /// <summary>Lets every ready thread run until all are blocked, sleeping or done
    /// (called by the idle thread: it gets the CPU back only when nothing is ready).</summary>
    internal static void RunReadyThreads()
    {
        bool interrupts = Enter();
        while (s_scheduler.ReadyCount(0) > 0)
        {
            Reschedule();
        }

        Leave(interrupts);
    }

    /// <summary>The timer's scheduler tick (registered with <see cref="LocalApic"/>):
    /// charge a tick, preempt if due; a killed program that was interrupted in ring 3
    /// ends here (it may never make a system call).</summary>
    private static void OnTimerTick(bool interruptedUser)
    {
        if (!s_ready)
        {
            return;
        }

        if (s_scheduler.Tick(0, LocalApic.Ticks))
        {
            Reschedule();
        }

        if (interruptedUser)
        {
            EndIfKilled();
        }
    }

    /// <summary>Where a thread's entry function returns to: it exits for good.</summary>
    [UnmanagedCallersOnly(EntryPoint = "mk_thread_finished")]
    private static void Finished()
    {
        Enter();
        s_scheduler.Exit(Current);
        Reschedule();
        // An exited thread is never picked again.
        Cpu.HaltForever();
    }

    /// <summary>Same-CPU call/reply fast path: the running thread blocks on
    /// <paramref name="key"/> and <paramref name="to"/> (ready, or blocked in a wait)
    /// runs at once, without a pass through the run queue. False when the scheduler
    /// refuses (then nothing changed and the caller takes the slow path).</summary>
    internal static bool HandOff(ThreadId to, ulong key)
    {
        bool interrupts = Enter();
        ThreadId from = Current;
        bool ok = s_scheduler.HandOff(from, to, key) == SchedStatus.Ok;
        if (ok)
        {
            HandOffs++;
            SwitchTo(from, to);
        }
        Leave(interrupts);
        return ok;
    }

    private static void Reschedule()
    {
        ThreadId previous = s_scheduler.Current(0);
        ThreadId next = s_scheduler.PickNext(0);
        if (next.Equals(previous) || next.IsNone)
        {
            return;
        }

        SwitchTo(previous, next);
    }

    /// <summary>Switches this CPU from <paramref name="previous"/> to <paramref name="next"/>
    /// (the scheduler has already made next the running thread).</summary>
    private static void SwitchTo(ThreadId previous, ThreadId next)
    {
        ref Context from = ref s_contexts[previous.Index];
        ref Context to = ref s_contexts[next.Index];
        // Per-thread kernel entry points: the stack ring 3 enters on, and where a user
        // program's end returns to.
        from.UserReturnRsp = PerCpu.UserReturnRsp;
        from.KernelEntryRsp = PerCpu.KernelStackTop;
        PerCpu.SetKernelStack(to.KernelEntryRsp);
        PerCpu.UserReturnRsp = to.UserReturnRsp;
        if (to.Space != AddressSpace.Current)
        {
            if (to.Space != null)
            {
                to.Space.Activate();
            }
            else
            {
                AddressSpace.ActivateKernel();
            }
        }
        Switches++;
        fixed (ulong* save = &from.SavedRsp)
        {
            SwitchContext(save, to.SavedRsp);
        }
    }

    private static bool Enter()
    {
        bool interrupts = Cpu.InterruptsEnabled;
        Cpu.DisableInterrupts();
        return interrupts;
    }

    private static void Leave(bool interrupts)
    {
        if (interrupts)
        {
            Cpu.EnableInterrupts();
        }
    }
}
