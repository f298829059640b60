namespace Microkernel.Scheduling;

/// <summary>
/// Names one thread: the index of its record in the <see cref="ThreadTable"/> (low 16 bits)
/// and the generation of that record (high 16 bits). A record's generation changes every
/// time it is freed, so an id kept after its thread was reaped is refused with
/// <see cref="SchedStatus.StaleId"/> instead of naming the record's next occupant.
/// Generations start at 1, so the all-zero value (<see cref="None"/>) never names a thread.
/// </summary>
public readonly struct ThreadId
{
    private readonly uint _value;

    /// <summary>Wraps a raw value (as stored by the kernel in a register or a message).</summary>
    public ThreadId(uint value) => _value = value;

    internal ThreadId(int index, ushort generation) => _value = ((uint)generation << 16) | (uint)index;

    /// <summary>No thread.</summary>
    public static ThreadId None => default;

    /// <summary>The raw value: generation &lt;&lt; 16 | index.</summary>
    public uint Value => _value;

    /// <summary>Index of the thread's record; the kernel may use it to index its own
    /// per-thread arrays (saved context, kernel stack) of the same capacity.</summary>
    public int Index => (int)(_value & 0xFFFF);

    /// <summary>Generation of the record when the id was issued (never 0 for a real id).</summary>
    public ushort Generation => (ushort)(_value >> 16);

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => _value == 0;

    /// <summary>Same index and generation.</summary>
    public bool Equals(ThreadId other) => _value == other._value;
}

/// <summary>Life cycle of a thread record. Transitions:
/// Free → Created (<see cref="Scheduler.Create"/>) → Ready (<see cref="Scheduler.Start"/>)
/// ⇄ Running (<see cref="Scheduler.PickNext"/> / preemption, yield);
/// Ready or Running → Blocked or Sleeping → Ready (wake, timeout);
/// anything but Free → Exited (<see cref="Scheduler.Exit"/>) → Free (<see cref="Scheduler.Reap"/>).</summary>
public enum ThreadState : byte
{
    /// <summary>The record holds no thread.</summary>
    Free = 0,

    /// <summary>Created but not started: in no queue.</summary>
    Created = 1,

    /// <summary>In its home CPU's run queue.</summary>
    Ready = 2,

    /// <summary>The current thread of its home CPU.</summary>
    Running = 3,

    /// <summary>Waiting on a key (<see cref="Scheduler.Block"/>), perhaps with a deadline.</summary>
    Blocked = 4,

    /// <summary>Waiting for a tick only (<see cref="Scheduler.Sleep"/>).</summary>
    Sleeping = 5,

    /// <summary>Finished; the record stays until <see cref="Scheduler.Reap"/> so the kernel
    /// can switch away from it and free its stack first.</summary>
    Exited = 6,
}

/// <summary>Result of every scheduler operation. Every failure leaves the scheduler exactly
/// as it was.</summary>
public enum SchedStatus
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>The id names no live thread: out of range, freed, or an older generation.</summary>
    StaleId = 1,

    /// <summary>The thread's state does not allow the operation (for example starting a
    /// thread twice, blocking a sleeping thread, reaping a thread still on a CPU).</summary>
    WrongState = 2,

    /// <summary>No free record.</summary>
    TableFull = 3,

    /// <summary>Priority outside 0..<see cref="Scheduler.MaxPriority"/>.</summary>
    InvalidPriority = 4,

    /// <summary>CPU number outside 0..CpuCount-1, or a hand-off to a thread homed on
    /// another CPU.</summary>
    InvalidCpu = 5,

    /// <summary>The operation does not apply to a CPU's idle thread.</summary>
    IdleThread = 6,

    /// <summary>Bad argument to <see cref="Scheduler.Initialize"/> (or a hand-off to itself).</summary>
    InvalidArgument = 7,
}

/// <summary>Why a blocked or sleeping thread became ready; read it with
/// <see cref="Scheduler.Query"/> after the thread runs again.</summary>
public enum WakeReason : byte
{
    /// <summary>Not woken since it last blocked (or never blocked).</summary>
    None = 0,

    /// <summary>Woken through its key (<see cref="Scheduler.WakeOne"/>, <see cref="Scheduler.WakeAll"/>,
    /// or a hand-off to it).</summary>
    Notified = 1,

    /// <summary>Its deadline passed (a sleep ended, or a timed block expired).</summary>
    TimedOut = 2,

    /// <summary>The other side is gone: <see cref="Scheduler.WakeAll"/> with this reason
    /// (IPC uses it so a waiter sees "peer closed" at once).</summary>
    Closed = 3,

    /// <summary>Taken out of its wait or sleep by <see cref="Scheduler.Interrupt"/>.</summary>
    Interrupted = 4,
}

/// <summary>What a wake-up (start, wake, move) did: how many threads became ready and
/// which CPUs should reschedule because a woken thread outranks what they run (bit n =
/// CPU n). The caller reschedules itself if its own bit is set and sends an IPI to every
/// other CPU in <see cref="IpiMask"/>.</summary>
public struct WakeReport
{
    /// <summary>Threads made ready.</summary>
    public int Woken;

    /// <summary>The first thread made ready, or <see cref="ThreadId.None"/>.</summary>
    public ThreadId First;

    /// <summary>CPUs whose current thread is now outranked (idle counts as the lowest).</summary>
    public ulong RescheduleMask;

    /// <summary>True if <paramref name="selfCpu"/> should call <see cref="Scheduler.PickNext"/>.</summary>
    public readonly bool ReschedulesSelf(int selfCpu) => (RescheduleMask & (1UL << selfCpu)) != 0;

    /// <summary>The CPUs other than <paramref name="selfCpu"/> that need an IPI.</summary>
    public readonly ulong IpiMask(int selfCpu) => RescheduleMask & ~(1UL << selfCpu);
}

/// <summary>A snapshot of one thread record (<see cref="Scheduler.Query"/>).</summary>
public struct ThreadInfo
{
    /// <summary>Life-cycle state.</summary>
    public ThreadState State;

    /// <summary>0..<see cref="Scheduler.MaxPriority"/>; higher runs first. -1 for an idle thread.</summary>
    public int Priority;

    /// <summary>The CPU whose run queue the thread uses.</summary>
    public int HomeCpu;

    /// <summary>The CPU it is the current thread of (possibly while blocked or exited, until
    /// that CPU's next <see cref="Scheduler.PickNext"/>), or -1.</summary>
    public int OnCpu;

    /// <summary>The key it is blocked on (valid while <see cref="ThreadState.Blocked"/>).</summary>
    public ulong WaitKey;

    /// <summary>Wake-up tick while sleeping or in a timed block; <see cref="Scheduler.Forever"/> if none.</summary>
    public ulong Deadline;

    /// <summary>Ticks left in its timeslice.</summary>
    public int SliceLeft;

    /// <summary>Times it was switched onto a CPU.</summary>
    public ulong Switches;

    /// <summary>Ticks it was running when the tick came.</summary>
    public ulong TicksRun;

    /// <summary>Why it last woke.</summary>
    public WakeReason LastWake;

    /// <summary>True for a CPU's idle thread.</summary>
    public bool IsIdle;
}
