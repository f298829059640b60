namespace Microkernel.Scheduling;

/// <summary>
/// Scheduling policy: which thread each CPU runs, when it is preempted, and how threads
/// block, sleep and wake. Preemptive and timer driven (<see cref="Tick"/>), strict
/// priorities 0..<see cref="MaxPriority"/> (higher first) with round-robin timeslices
/// within a priority, blocking waits on opaque keys, timed sleeps, and a hand-off for a
/// same-CPU call/reply. The idle thread runs when a CPU has nothing ready; the kernel
/// halts the CPU in it. The kernel does the context switch: it calls <see cref="PickNext"/>
/// and switches to the thread returned if that differs from the one running.
/// </summary>
/// <remarks>
/// <para>Every thread has a home CPU and only ever runs there; each CPU has its own
/// <see cref="RunQueue"/> and sleep heap. Wait keys are global (a hash in the thread table).
/// No allocation: storage comes to <see cref="Initialize"/>.</para>
/// <para>Costs (n = threads, k = threads woken): Create, Start, Exit, Reap, Block, Yield,
/// SetPriority, HandOff, PickNext, ShouldPreempt O(1) plus, where a thread leaves or
/// enters a sleep heap, O(log n) amortised; wait-key lookups are O(distinct keys in the
/// key's hash bucket), expected O(1) since there are at least as many buckets as blocked
/// threads / 2; WakeAll O(k); Tick O(1 + expired sleepers × log n) amortised.</para>
/// <para>Not thread-safe: see the README for the lock the caller holds. Priority
/// inheritance is not done: a high-priority thread blocked on a key held by a low-priority
/// one waits as long as the latter is outrun.</para>
/// </remarks>
public unsafe partial struct Scheduler
{
    /// <summary>Highest priority; priorities are 0..MaxPriority.</summary>
    public const int MaxPriority = RunQueue.Levels - 1;

    /// <summary>Most CPUs one scheduler serves (a wake report is a 64-bit CPU mask).</summary>
    public const int MaxCpus = 64;

    /// <summary>A deadline that never comes.</summary>
    public const ulong Forever = ulong.MaxValue;

    private const int Nil = ThreadTable.Nil;

    private ThreadTable _table;
    private RunQueue* _queues;
    private int _cpuCount;
    private int _timeslice;
    private int _bucketBits;
    private ulong _sleepSeq;

    /// <summary>CPUs served.</summary>
    public readonly int CpuCount => _cpuCount;

    /// <summary>Ticks a thread runs before an equal-priority thread gets the CPU.</summary>
    public readonly int Timeslice => _timeslice;

    /// <summary>Record capacity (idle threads included).</summary>
    public readonly int Capacity => _table.Capacity;

    /// <summary>Threads that exist, idle threads excluded (every state but Free).</summary>
    public readonly int ThreadCount => _table.Count - _cpuCount;

    /// <summary>
    /// Sets up a scheduler over <paramref name="capacity"/> records at
    /// <paramref name="records"/> and <paramref name="cpuCount"/> run queues at
    /// <paramref name="queues"/> (both kept for the scheduler's lifetime, contents need not
    /// be initialised). Records 0..cpuCount-1 become the CPUs' idle threads, each the
    /// current thread of its CPU. <see cref="SchedStatus.InvalidArgument"/> if a pointer is
    /// null, cpuCount is outside 1..<see cref="MaxCpus"/>, capacity does not exceed
    /// cpuCount or exceeds <see cref="ThreadTable.MaxCapacity"/>, or the timeslice is not
    /// positive. O(capacity).
    /// </summary>
    public SchedStatus Initialize(ThreadRecord* records, int capacity, RunQueue* queues, int cpuCount, int timesliceTicks)
    {
        if (queues == null || cpuCount < 1 || cpuCount > MaxCpus || capacity <= cpuCount || timesliceTicks <= 0)
        {
            return SchedStatus.InvalidArgument;
        }

        SchedStatus status = _table.Initialize(records, capacity);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        _queues = queues;
        _cpuCount = cpuCount;
        _timeslice = timesliceTicks;
        _sleepSeq = 0;
        _bucketBits = System.Numerics.BitOperations.Log2((uint)capacity);
        for (int cpu = 0; cpu < cpuCount; cpu++)
        {
            _table.Allocate(out int idle);
            InitRecord(idle, -1, cpu);
            ref ThreadRecord r = ref _table[idle];
            r.IsIdle = true;
            r.State = ThreadState.Running;
            r.OnCpu = cpu;
            queues[cpu].Reset(idle);
        }

        return SchedStatus.Ok;
    }

    // ---------------------------------------------------------------- life cycle

    /// <summary>Makes a thread in state <see cref="ThreadState.Created"/> with a full
    /// timeslice, homed on <paramref name="cpu"/>. Errors: InvalidPriority, InvalidCpu,
    /// TableFull. O(1).</summary>
    public SchedStatus Create(int priority, int cpu, out ThreadId id)
    {
        id = ThreadId.None;
        if ((uint)priority > MaxPriority)
        {
            return SchedStatus.InvalidPriority;
        }

        if ((uint)cpu >= (uint)_cpuCount)
        {
            return SchedStatus.InvalidCpu;
        }

        SchedStatus status = _table.Allocate(out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        InitRecord(index, priority, cpu);
        id = _table.IdOf(index);
        return SchedStatus.Ok;
    }

    /// <summary>Created → Ready at the tail of its priority on its home CPU. The report
    /// says whether that CPU should reschedule. O(1).</summary>
    public SchedStatus Start(ThreadId id, out WakeReport report)
    {
        report = default;
        SchedStatus status = ResolveWorker(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        if (_table[index].State != ThreadState.Created)
        {
            return SchedStatus.WrongState;
        }

        MakeReady(index, ref report);
        return SchedStatus.Ok;
    }

    /// <summary>
    /// Any live state → Exited: the thread leaves its queue, wait ring or sleep heap. A
    /// running thread stays its CPU's current thread until that CPU's next
    /// <see cref="PickNext"/>, which will not run it again. Errors: StaleId, IdleThread,
    /// WrongState (already exited). O(1), O(log n) amortised if it was in a sleep heap.
    /// </summary>
    public SchedStatus Exit(ThreadId id)
    {
        SchedStatus status = ResolveWorker(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        if (_table[index].State == ThreadState.Exited)
        {
            return SchedStatus.WrongState;
        }

        Detach(index);
        _table[index].State = ThreadState.Exited;
        return SchedStatus.Ok;
    }

    /// <summary>Exited → Free, once no CPU has it as current thread (the kernel reaps after
    /// switching away and freeing the stack). Every id of it goes stale. Errors: StaleId,
    /// IdleThread, WrongState (not exited, or still some CPU's current thread). O(1).</summary>
    public SchedStatus Reap(ThreadId id)
    {
        SchedStatus status = ResolveWorker(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        ref ThreadRecord r = ref _table[index];
        if (r.State != ThreadState.Exited || r.OnCpu != Nil)
        {
            return SchedStatus.WrongState;
        }

        _table.Release(index);
        return SchedStatus.Ok;
    }

    // ---------------------------------------------------------------- waiting

    /// <summary>Running or Ready → Blocked on <paramref name="key"/>, behind the threads
    /// already blocked on it. A running thread stays current until its CPU's next
    /// <see cref="PickNext"/>. Errors: StaleId, IdleThread, WrongState. O(keys in bucket).</summary>
    public SchedStatus Block(ThreadId id, ulong key) => BlockUntil(id, key, Forever);

    /// <summary>Like <see cref="Block"/>, but the first <see cref="Tick"/> of its home CPU
    /// with now ≥ <paramref name="deadline"/> makes it ready with
    /// <see cref="WakeReason.TimedOut"/> (<see cref="Forever"/>: no deadline).
    /// O(keys in bucket + 1), O(log n) amortised when it times out or is woken early.</summary>
    public SchedStatus BlockUntil(ThreadId id, ulong key, ulong deadline)
    {
        SchedStatus status = ResolveWorker(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        ref ThreadRecord r = ref _table[index];
        if (r.State != ThreadState.Running && r.State != ThreadState.Ready)
        {
            return SchedStatus.WrongState;
        }

        Detach(index);
        r.State = ThreadState.Blocked;
        r.LastWake = WakeReason.None;
        WaitInsert(index, key);
        if (deadline != Forever)
        {
            HeapInsert(index, deadline);
        }

        return SchedStatus.Ok;
    }

    /// <summary>Running or Ready → Sleeping until the first <see cref="Tick"/> of its home
    /// CPU with now ≥ <paramref name="untilTick"/> (never earlier; a deadline already past
    /// wakes at the next tick). Errors: StaleId, IdleThread, WrongState. O(1).</summary>
    public SchedStatus Sleep(ThreadId id, ulong untilTick)
    {
        SchedStatus status = ResolveWorker(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        ref ThreadRecord r = ref _table[index];
        if (r.State != ThreadState.Running && r.State != ThreadState.Ready)
        {
            return SchedStatus.WrongState;
        }

        Detach(index);
        r.State = ThreadState.Sleeping;
        r.LastWake = WakeReason.None;
        HeapInsert(index, untilTick);
        return SchedStatus.Ok;
    }

    /// <summary>Makes the longest-blocked thread on <paramref name="key"/> ready
    /// (<see cref="WakeReason.Notified"/>) at the tail of its priority on its home CPU.
    /// False if none waits. O(keys in bucket), plus O(log n) amortised for a timed block.</summary>
    public bool WakeOne(ulong key, out WakeReport report)
    {
        report = default;
        int leader = FindLeader(key);
        if (leader == Nil)
        {
            return false;
        }

        WakeWaiter(leader, WakeReason.Notified, ref report);
        return true;
    }

    /// <summary>Makes every thread blocked on <paramref name="key"/> ready in the order
    /// they blocked, each recording <paramref name="reason"/> (use
    /// <see cref="WakeReason.Closed"/> when the object is gone). Returns how many.
    /// O(keys in bucket + k), plus O(log n) amortised per timed block.</summary>
    public int WakeAll(ulong key, WakeReason reason, out WakeReport report)
    {
        report = default;
        int leader = FindLeader(key);
        while (leader != Nil)
        {
            int next = _table[leader].WaitNext == leader ? Nil : _table[leader].WaitNext;
            WakeWaiter(leader, reason, ref report);
            leader = next;
        }

        return report.Woken;
    }

    /// <summary>Blocked or Sleeping → Ready, whatever it waits for (recording
    /// <see cref="WakeReason.Interrupted"/>): how the kernel makes a thread notice a stop
    /// or kill request. Every kernel wait re-checks its condition, so this is at worst a
    /// spurious wake-up. Returns false (nothing changed) for a thread that is not waiting.
    /// O(keys in bucket), plus O(log n) amortised if it had a deadline.</summary>
    public bool Interrupt(ThreadId id, out WakeReport report)
    {
        report = default;
        if (ResolveWorker(id, out int index) != SchedStatus.Ok)
        {
            return false;
        }

        ref ThreadRecord r = ref _table[index];
        if (r.State == ThreadState.Blocked)
        {
            WakeWaiter(index, WakeReason.Interrupted, ref report);
            return true;
        }

        if (r.State == ThreadState.Sleeping)
        {
            HeapRemove(index);
            r.LastWake = WakeReason.Interrupted;
            MakeReady(index, ref report);
            return true;
        }

        return false;
    }

    // ---------------------------------------------------------------- per-CPU decisions

    /// <summary>
    /// The timer interrupt of <paramref name="cpu"/> at tick <paramref name="now"/>: charges
    /// the running thread one tick of its slice, wakes this CPU's sleepers and timed
    /// blocks whose deadline is ≤ now (in deadline order, then the order they went to
    /// sleep), and returns true if the CPU should call <see cref="PickNext"/>: a ready
    /// thread outranks the current one, or the slice ran out and an equal-priority thread
    /// is ready. A slice that ran out with no equal-priority peer is refilled. False for an
    /// invalid cpu. O(1 + expired × log n) amortised.
    /// </summary>
    public bool Tick(int cpu, ulong now)
    {
        if ((uint)cpu >= (uint)_cpuCount)
        {
            return false;
        }

        ref RunQueue q = ref _queues[cpu];
        if (now > q.Now)
        {
            q.Now = now;
        }

        ref ThreadRecord c = ref _table[q.Current];
        if (c.IsIdle)
        {
            q.IdleTicks++;
        }
        else if (c.State == ThreadState.Running)
        {
            c.TicksRun++;
            if (c.SliceLeft > 0)
            {
                c.SliceLeft--;
            }
        }

        while (q.SleepRoot != Nil && _table[q.SleepRoot].Deadline <= now)
        {
            int index = q.SleepRoot;
            HeapRemove(index);
            ref ThreadRecord r = ref _table[index];
            if (r.HasKey)
            {
                WaitRemove(index);
            }

            r.LastWake = WakeReason.TimedOut;
            WakeReport ignored = default;
            MakeReady(index, ref ignored);
        }

        bool reschedule = ShouldPreempt(cpu);
        if (!reschedule && !c.IsIdle && c.State == ThreadState.Running && c.SliceLeft <= 0)
        {
            c.SliceLeft = _timeslice;
        }

        return reschedule;
    }

    /// <summary>True if <paramref name="cpu"/> should call <see cref="PickNext"/> now: its
    /// current thread is no longer running (blocked, exited, ...), or a ready thread
    /// outranks it, or its slice is used up and an equal-priority thread is ready; when
    /// idle, whenever anything is ready. Changes nothing. O(1).</summary>
    public readonly bool ShouldPreempt(int cpu)
    {
        if ((uint)cpu >= (uint)_cpuCount)
        {
            return false;
        }

        ref RunQueue q = ref _queues[cpu];
        ref ThreadRecord c = ref _table[q.Current];
        if (c.IsIdle)
        {
            return q.Count > 0;
        }

        if (c.State != ThreadState.Running)
        {
            return true;
        }

        int top = q.HighestPriority;
        return top > c.Priority || (c.SliceLeft <= 0 && top == c.Priority);
    }

    /// <summary>
    /// Chooses and installs the next thread of <paramref name="cpu"/>: the first ready
    /// thread of the highest priority, or the idle thread when none. A current thread that
    /// is still running goes back into the queue first — at the tail of its priority with a
    /// fresh slice if its slice is used up (round-robin; <see cref="Yield"/> empties it),
    /// else at the head (preempted by a higher priority, it keeps its place). The result
    /// becomes Running and current; the kernel switches to it if it is not the thread it
    /// was running. <see cref="ThreadId.None"/> for an invalid cpu. O(1).
    /// </summary>
    public ThreadId PickNext(int cpu)
    {
        if ((uint)cpu >= (uint)_cpuCount)
        {
            return ThreadId.None;
        }

        ref RunQueue q = ref _queues[cpu];
        int prev = q.Current;
        ref ThreadRecord p = ref _table[prev];
        if (!p.IsIdle && p.State == ThreadState.Running)
        {
            p.State = ThreadState.Ready;
            if (p.SliceLeft <= 0)
            {
                p.SliceLeft = _timeslice;
                q.Enqueue(ref _table, prev, atHead: false);
            }
            else
            {
                q.Enqueue(ref _table, prev, atHead: true);
            }
        }

        int next = q.DequeueHighest(ref _table);
        if (next == Nil)
        {
            next = q.Idle;
        }

        ref ThreadRecord n = ref _table[next];
        n.State = ThreadState.Running;
        if (next != prev)
        {
            p.OnCpu = Nil;
            if (p.IsIdle)
            {
                p.State = ThreadState.Ready;
            }

            SwitchIn(cpu, next);
        }

        return _table.IdOf(next);
    }

    /// <summary>The current thread of <paramref name="cpu"/> gives up the rest of its
    /// slice. Returns true if <see cref="PickNext"/> would now run another thread (one of
    /// equal or higher priority is ready); the kernel then calls it. False when idle or
    /// for an invalid cpu. O(1).</summary>
    public bool Yield(int cpu)
    {
        if ((uint)cpu >= (uint)_cpuCount)
        {
            return false;
        }

        ref ThreadRecord c = ref _table[_queues[cpu].Current];
        if (c.IsIdle || c.State != ThreadState.Running)
        {
            return false;
        }

        c.SliceLeft = 0;
        return ShouldPreempt(cpu);
    }

    /// <summary>
    /// Same-CPU call/reply fast path: <paramref name="from"/>, running on its CPU, becomes
    /// Blocked on <paramref name="replyKey"/> (behind earlier waiters on it) and
    /// <paramref name="to"/> — Ready or Blocked (taken out of its wait and any deadline,
    /// woken <see cref="WakeReason.Notified"/>) and homed on the same CPU — becomes that
    /// CPU's running thread at once, without a pass through the run queue and regardless
    /// of priority (if a higher-priority thread is ready, the next <see cref="Tick"/> or
    /// <see cref="ShouldPreempt"/> says so). The kernel then switches from → to. Errors:
    /// StaleId, IdleThread, InvalidArgument (from = to), WrongState (from not running or
    /// to neither ready nor blocked), InvalidCpu (to homed elsewhere). O(keys in bucket),
    /// plus O(log n) amortised if to had a deadline.
    /// </summary>
    public SchedStatus HandOff(ThreadId from, ThreadId to, ulong replyKey)
    {
        SchedStatus status = ResolveWorker(from, out int f);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        status = ResolveWorker(to, out int t);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        if (f == t)
        {
            return SchedStatus.InvalidArgument;
        }

        ref ThreadRecord rf = ref _table[f];
        ref ThreadRecord rt = ref _table[t];
        if (rf.State != ThreadState.Running || (rt.State != ThreadState.Ready && rt.State != ThreadState.Blocked))
        {
            return SchedStatus.WrongState;
        }

        int cpu = rf.OnCpu;
        if (rt.HomeCpu != cpu)
        {
            return SchedStatus.InvalidCpu;
        }

        if (rt.State == ThreadState.Blocked)
        {
            rt.LastWake = WakeReason.Notified;
        }

        Detach(t);
        rf.State = ThreadState.Blocked;
        rf.LastWake = WakeReason.None;
        rf.OnCpu = Nil;
        WaitInsert(f, replyKey);
        rt.State = ThreadState.Running;
        if (rt.SliceLeft <= 0)
        {
            rt.SliceLeft = _timeslice;
        }

        SwitchIn(cpu, t);
        return SchedStatus.Ok;
    }

    // ---------------------------------------------------------------- attributes

    /// <summary>
    /// Sets a thread's priority. A ready thread moves to the tail of its new priority. The
    /// report's mask has the home CPU's bit if that CPU should now reschedule (a ready
    /// thread raised above its current thread, or the running thread lowered below a ready
    /// one). Errors: StaleId, IdleThread, InvalidPriority. O(1).
    /// </summary>
    public SchedStatus SetPriority(ThreadId id, int priority, out WakeReport report)
    {
        report = default;
        SchedStatus status = ResolveWorker(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        if ((uint)priority > MaxPriority)
        {
            return SchedStatus.InvalidPriority;
        }

        ref ThreadRecord r = ref _table[index];
        if (r.State == ThreadState.Ready)
        {
            ref RunQueue q = ref _queues[r.HomeCpu];
            q.Remove(ref _table, index);
            r.Priority = priority;
            q.Enqueue(ref _table, index, atHead: false);
        }
        else
        {
            r.Priority = priority;
        }

        if ((r.State == ThreadState.Ready || r.State == ThreadState.Running) && ShouldPreempt(r.HomeCpu))
        {
            report.RescheduleMask = 1UL << r.HomeCpu;
        }

        return SchedStatus.Ok;
    }

    /// <summary>
    /// Moves a thread to another home CPU. Allowed only while no CPU has it as current
    /// thread (so never while running: a thread's context is saved before it can run
    /// elsewhere). A ready thread moves to the tail of its priority on the new CPU's queue
    /// (the report says if that CPU should reschedule); a sleeper or timed block moves to
    /// the new CPU's sleep heap. Errors: StaleId, IdleThread, InvalidCpu, WrongState.
    /// O(1), O(log n) amortised for a sleeper.
    /// </summary>
    public SchedStatus SetHomeCpu(ThreadId id, int cpu, out WakeReport report)
    {
        report = default;
        SchedStatus status = ResolveWorker(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        if ((uint)cpu >= (uint)_cpuCount)
        {
            return SchedStatus.InvalidCpu;
        }

        ref ThreadRecord r = ref _table[index];
        if (r.OnCpu != Nil)
        {
            return SchedStatus.WrongState;
        }

        if (r.State == ThreadState.Ready)
        {
            _queues[r.HomeCpu].Remove(ref _table, index);
            r.HomeCpu = cpu;
            r.State = ThreadState.Created;
            MakeReady(index, ref report);
            report.Woken = 0;
            report.First = ThreadId.None;
        }
        else if (r.InHeap)
        {
            ulong deadline = r.Deadline;
            HeapRemove(index);
            r.HomeCpu = cpu;
            HeapInsert(index, deadline);
        }
        else
        {
            r.HomeCpu = cpu;
        }

        return SchedStatus.Ok;
    }

    // ---------------------------------------------------------------- queries

    /// <summary>A snapshot of a live thread (idle threads included). O(1).</summary>
    public readonly SchedStatus Query(ThreadId id, out ThreadInfo info)
    {
        info = default;
        SchedStatus status = _table.Resolve(id, out int index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        ref ThreadRecord r = ref _table[index];
        info.State = r.State;
        info.Priority = r.Priority;
        info.HomeCpu = r.HomeCpu;
        info.OnCpu = r.OnCpu;
        info.WaitKey = r.HasKey ? r.WaitKey : 0;
        info.Deadline = r.InHeap ? r.Deadline : Forever;
        info.SliceLeft = r.SliceLeft;
        info.Switches = r.Switches;
        info.TicksRun = r.TicksRun;
        info.LastWake = r.LastWake;
        info.IsIdle = r.IsIdle;
        return SchedStatus.Ok;
    }

    /// <summary>The thread <paramref name="cpu"/> runs (its idle thread when nothing else).</summary>
    public readonly ThreadId Current(int cpu) => (uint)cpu < (uint)_cpuCount ? _table.IdOf(_queues[cpu].Current) : ThreadId.None;

    /// <summary>The idle thread of <paramref name="cpu"/>.</summary>
    public readonly ThreadId IdleThread(int cpu) => (uint)cpu < (uint)_cpuCount ? _table.IdOf(_queues[cpu].Idle) : ThreadId.None;

    /// <summary>Ready threads queued on <paramref name="cpu"/> (current excluded).</summary>
    public readonly int ReadyCount(int cpu) => (uint)cpu < (uint)_cpuCount ? _queues[cpu].Count : 0;

    /// <summary>Sleepers and timed blocks in <paramref name="cpu"/>'s sleep heap.</summary>
    public readonly int SleeperCount(int cpu) => (uint)cpu < (uint)_cpuCount ? _queues[cpu].Sleepers : 0;

    /// <summary>The earliest deadline in <paramref name="cpu"/>'s sleep heap, or
    /// <see cref="Forever"/>: a tickless idle CPU programs its timer for it. O(1).</summary>
    public readonly ulong NextDeadline(int cpu)
    {
        if ((uint)cpu >= (uint)_cpuCount || _queues[cpu].SleepRoot == Nil)
        {
            return Forever;
        }

        return _table[_queues[cpu].SleepRoot].Deadline;
    }

    /// <summary>Switches to a different thread <paramref name="cpu"/> has made.</summary>
    public readonly ulong ContextSwitches(int cpu) => (uint)cpu < (uint)_cpuCount ? _queues[cpu].ContextSwitches : 0;

    /// <summary>Ticks <paramref name="cpu"/> spent in its idle thread.</summary>
    public readonly ulong IdleTicks(int cpu) => (uint)cpu < (uint)_cpuCount ? _queues[cpu].IdleTicks : 0;

    /// <summary>The first ready thread of <paramref name="priority"/> on
    /// <paramref name="cpu"/> (the next to run at that priority), or
    /// <see cref="ThreadId.None"/>. With <see cref="NextReady"/>, walks a queue in order
    /// for diagnostics. O(1).</summary>
    public readonly ThreadId FirstReady(int cpu, int priority)
    {
        if ((uint)cpu >= (uint)_cpuCount || (uint)priority > MaxPriority)
        {
            return ThreadId.None;
        }

        int index = _queues[cpu].HeadOf(priority);
        return index == Nil ? ThreadId.None : _table.IdOf(index);
    }

    /// <summary>The ready thread queued behind <paramref name="id"/> at its priority, or
    /// <see cref="ThreadId.None"/> (also when <paramref name="id"/> is not ready). O(1).</summary>
    public readonly ThreadId NextReady(ThreadId id)
    {
        if (_table.Resolve(id, out int index) != SchedStatus.Ok || _table[index].State != ThreadState.Ready || _table[index].IsIdle)
        {
            return ThreadId.None;
        }

        int next = _table[index].Next;
        return next == Nil ? ThreadId.None : _table.IdOf(next);
    }

    /// <summary>The longest-blocked thread on <paramref name="key"/> (the one
    /// <see cref="WakeOne"/> would wake), or <see cref="ThreadId.None"/>. O(keys in bucket).</summary>
    public readonly ThreadId FirstWaiter(ulong key)
    {
        int leader = FindLeader(key);
        return leader == Nil ? ThreadId.None : _table.IdOf(leader);
    }

    /// <summary>The thread blocked on the same key right after <paramref name="id"/>, or
    /// <see cref="ThreadId.None"/> (also when <paramref name="id"/> is not blocked). O(1).</summary>
    public readonly ThreadId NextWaiter(ThreadId id)
    {
        if (_table.Resolve(id, out int index) != SchedStatus.Ok || !_table[index].HasKey)
        {
            return ThreadId.None;
        }

        int next = _table[index].WaitNext;
        return IsLeader(next) ? ThreadId.None : _table.IdOf(next);
    }

    // ---------------------------------------------------------------- helpers

    private readonly SchedStatus ResolveWorker(ThreadId id, out int index)
    {
        SchedStatus status = _table.Resolve(id, out index);
        if (status != SchedStatus.Ok)
        {
            return status;
        }

        return _table[index].IsIdle ? SchedStatus.IdleThread : SchedStatus.Ok;
    }

    private void InitRecord(int index, int priority, int cpu)
    {
        ref ThreadRecord r = ref _table[index];
        r.State = ThreadState.Created;
        r.IsIdle = false;
        r.LastWake = WakeReason.None;
        r.Priority = priority;
        r.HomeCpu = cpu;
        r.OnCpu = Nil;
        r.SliceLeft = _timeslice;
        r.Next = Nil;
        r.Prev = Nil;
        r.HasKey = false;
        r.WaitKey = 0;
        r.WaitNext = Nil;
        r.WaitPrev = Nil;
        r.ChainNext = Nil;
        r.ChainPrev = Nil;
        r.InHeap = false;
        r.Deadline = Forever;
        r.SleepSeq = 0;
        r.HeapChild = Nil;
        r.HeapSibling = Nil;
        r.HeapPrev = Nil;
        r.Switches = 0;
        r.TicksRun = 0;
    }

    /// <summary>Takes a thread out of whatever holds it (queue, wait ring, sleep heap).</summary>
    private void Detach(int index)
    {
        ref ThreadRecord r = ref _table[index];
        if (r.State == ThreadState.Ready)
        {
            _queues[r.HomeCpu].Remove(ref _table, index);
        }

        if (r.HasKey)
        {
            WaitRemove(index);
        }

        if (r.InHeap)
        {
            HeapRemove(index);
        }
    }

    /// <summary>Enqueues at the tail on the home CPU and notes whether that CPU's current
    /// thread is outranked.</summary>
    private void MakeReady(int index, ref WakeReport report)
    {
        ref ThreadRecord r = ref _table[index];
        r.State = ThreadState.Ready;
        int cpu = r.HomeCpu;
        ref RunQueue q = ref _queues[cpu];
        q.Enqueue(ref _table, index, atHead: false);
        if (report.Woken == 0)
        {
            report.First = _table.IdOf(index);
        }

        report.Woken++;
        ref ThreadRecord c = ref _table[q.Current];
        if (c.IsIdle || c.State != ThreadState.Running || r.Priority > c.Priority)
        {
            report.RescheduleMask |= 1UL << cpu;
        }
    }

    private void WakeWaiter(int index, WakeReason reason, ref WakeReport report)
    {
        WaitRemove(index);
        if (_table[index].InHeap)
        {
            HeapRemove(index);
        }

        _table[index].LastWake = reason;
        MakeReady(index, ref report);
    }

    private void SwitchIn(int cpu, int index)
    {
        ref RunQueue q = ref _queues[cpu];
        ref ThreadRecord n = ref _table[index];
        n.OnCpu = cpu;
        n.Switches++;
        q.Current = index;
        q.ContextSwitches++;
    }
}
