using System.Collections.Generic;
using System.Linq;
using Microkernel.Scheduling;

namespace Microkernel.Tests;

/// <summary>One thread as the model sees it.</summary>
public sealed class MThread
{
    public uint Id;
    public bool Idle;
    public ThreadState State;
    public int Prio;
    public int Home;
    public int OnCpu = -1;
    public int Slice;
    public ulong? Key;
    public bool InHeap;
    public ulong Deadline = Scheduler.Forever;
    public ulong Seq;
    public WakeReason LastWake;
    public ulong Switches;
    public ulong TicksRun;
}

/// <summary>
/// The scheduling rules written the obvious way: a list per priority per CPU, a FIFO list
/// per wait key, sleepers found by scanning every thread and sorting by (deadline, order of
/// going to sleep). Slow and plainly right; the scheduler must agree with it step by step.
/// </summary>
public sealed class SchedModel
{
    public readonly int Capacity;
    public readonly int Cpus;
    public readonly int Slice;
    public readonly Dictionary<uint, MThread> Live = new();
    public readonly List<MThread>[][] Ready;
    public readonly MThread[] Current;
    public readonly MThread[] IdleOf;
    public readonly ulong[] Now;
    public readonly ulong[] ContextSwitches;
    public readonly ulong[] IdleTicks;
    public readonly Dictionary<ulong, List<MThread>> Waiters = new();
    private ulong _seq;

    public SchedModel(int capacity, int cpus, int slice, ThreadId[] idleIds)
    {
        Capacity = capacity;
        Cpus = cpus;
        Slice = slice;
        Ready = new List<MThread>[cpus][];
        Current = new MThread[cpus];
        IdleOf = new MThread[cpus];
        Now = new ulong[cpus];
        ContextSwitches = new ulong[cpus];
        IdleTicks = new ulong[cpus];
        for (int c = 0; c < cpus; c++)
        {
            Ready[c] = Enumerable.Range(0, RunQueue.Levels).Select(_ => new List<MThread>()).ToArray();
            var idle = new MThread { Id = idleIds[c].Value, Idle = true, State = ThreadState.Running, Prio = -1, Home = c, OnCpu = c, Slice = slice };
            Live[idle.Id] = idle;
            Current[c] = idle;
            IdleOf[c] = idle;
        }
    }

    public IEnumerable<MThread> ReadyOn(int cpu) => Enumerable.Range(0, RunQueue.Levels).Reverse().SelectMany(p => Ready[cpu][p]);

    public int TopPriority(int cpu)
    {
        for (int p = RunQueue.Levels - 1; p >= 0; p--)
        {
            if (Ready[cpu][p].Count > 0)
            {
                return p;
            }
        }

        return -1;
    }

    public int SleepersOn(int cpu) => Live.Values.Count(t => t.InHeap && t.Home == cpu);

    public ulong NextDeadline(int cpu) => Live.Values.Where(t => t.InHeap && t.Home == cpu).Select(t => t.Deadline).DefaultIfEmpty(Scheduler.Forever).Min();

    private SchedStatus Resolve(ThreadId id, out MThread t, bool allowIdle = false)
    {
        if (!Live.TryGetValue(id.Value, out t!))
        {
            return SchedStatus.StaleId;
        }

        return t.Idle && !allowIdle ? SchedStatus.IdleThread : SchedStatus.Ok;
    }

    public SchedStatus Create(int prio, int cpu, ThreadId realId)
    {
        if (prio < 0 || prio > Scheduler.MaxPriority)
        {
            return SchedStatus.InvalidPriority;
        }

        if (cpu < 0 || cpu >= Cpus)
        {
            return SchedStatus.InvalidCpu;
        }

        if (Live.Count == Capacity)
        {
            return SchedStatus.TableFull;
        }

        Live[realId.Value] = new MThread { Id = realId.Value, State = ThreadState.Created, Prio = prio, Home = cpu, Slice = Slice };
        return SchedStatus.Ok;
    }

    private void MakeReady(MThread t, ref WakeReport report)
    {
        t.State = ThreadState.Ready;
        Ready[t.Home][t.Prio].Add(t);
        if (report.Woken == 0)
        {
            report.First = new ThreadId(t.Id);
        }

        report.Woken++;
        MThread c = Current[t.Home];
        if (c.Idle || c.State != ThreadState.Running || t.Prio > c.Prio)
        {
            report.RescheduleMask |= 1UL << t.Home;
        }
    }

    private void Detach(MThread t)
    {
        if (t.State == ThreadState.Ready)
        {
            Ready[t.Home][t.Prio].Remove(t);
        }

        if (t.Key is ulong key)
        {
            Waiters[key].Remove(t);
            t.Key = null;
        }

        t.InHeap = false;
        t.Deadline = Scheduler.Forever;
    }

    private void EnterHeap(MThread t, ulong deadline)
    {
        t.InHeap = true;
        t.Deadline = deadline;
        t.Seq = ++_seq;
    }

    private void EnterWait(MThread t, ulong key)
    {
        t.Key = key;
        if (!Waiters.TryGetValue(key, out List<MThread>? list))
        {
            Waiters[key] = list = new List<MThread>();
        }

        list.Add(t);
    }

    public SchedStatus Start(ThreadId id, out WakeReport report)
    {
        report = default;
        SchedStatus s = Resolve(id, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (t.State != ThreadState.Created)
        {
            return SchedStatus.WrongState;
        }

        MakeReady(t, ref report);
        return SchedStatus.Ok;
    }

    public SchedStatus Exit(ThreadId id)
    {
        SchedStatus s = Resolve(id, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (t.State == ThreadState.Exited)
        {
            return SchedStatus.WrongState;
        }

        Detach(t);
        t.State = ThreadState.Exited;
        return SchedStatus.Ok;
    }

    public SchedStatus Reap(ThreadId id)
    {
        SchedStatus s = Resolve(id, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (t.State != ThreadState.Exited || t.OnCpu != -1)
        {
            return SchedStatus.WrongState;
        }

        Live.Remove(t.Id);
        return SchedStatus.Ok;
    }

    public SchedStatus BlockUntil(ThreadId id, ulong key, ulong deadline)
    {
        SchedStatus s = Resolve(id, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (t.State != ThreadState.Running && t.State != ThreadState.Ready)
        {
            return SchedStatus.WrongState;
        }

        Detach(t);
        t.State = ThreadState.Blocked;
        t.LastWake = WakeReason.None;
        EnterWait(t, key);
        if (deadline != Scheduler.Forever)
        {
            EnterHeap(t, deadline);
        }

        return SchedStatus.Ok;
    }

    public SchedStatus Sleep(ThreadId id, ulong until)
    {
        SchedStatus s = Resolve(id, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (t.State != ThreadState.Running && t.State != ThreadState.Ready)
        {
            return SchedStatus.WrongState;
        }

        Detach(t);
        t.State = ThreadState.Sleeping;
        t.LastWake = WakeReason.None;
        EnterHeap(t, until);
        return SchedStatus.Ok;
    }

    private void Wake(MThread t, WakeReason reason, ref WakeReport report)
    {
        Detach(t);
        t.LastWake = reason;
        MakeReady(t, ref report);
    }

    public bool WakeOne(ulong key, out WakeReport report)
    {
        report = default;
        if (!Waiters.TryGetValue(key, out List<MThread>? list) || list.Count == 0)
        {
            return false;
        }

        Wake(list[0], WakeReason.Notified, ref report);
        return true;
    }

    public int WakeAll(ulong key, WakeReason reason, out WakeReport report)
    {
        report = default;
        if (Waiters.TryGetValue(key, out List<MThread>? list))
        {
            foreach (MThread? t in list.ToList())
            {
                Wake(t, reason, ref report);
            }
        }

        return report.Woken;
    }

    public bool ShouldPreempt(int cpu)
    {
        MThread c = Current[cpu];
        if (c.Idle)
        {
            return ReadyOn(cpu).Any();
        }

        if (c.State != ThreadState.Running)
        {
            return true;
        }

        int top = TopPriority(cpu);
        return top > c.Prio || (c.Slice <= 0 && top == c.Prio);
    }

    public bool Tick(int cpu, ulong now)
    {
        if (now > Now[cpu])
        {
            Now[cpu] = now;
        }

        MThread c = Current[cpu];
        if (c.Idle)
        {
            IdleTicks[cpu]++;
        }
        else if (c.State == ThreadState.Running)
        {
            c.TicksRun++;
            if (c.Slice > 0)
            {
                c.Slice--;
            }
        }

        var due = Live.Values.Where(t => t.InHeap && t.Home == cpu && t.Deadline <= now).OrderBy(t => t.Deadline).ThenBy(t => t.Seq).ToList();
        foreach (MThread? t in due)
        {
            WakeReport ignored = default;
            Wake(t, WakeReason.TimedOut, ref ignored);
        }

        bool r = ShouldPreempt(cpu);
        if (!r && !c.Idle && c.State == ThreadState.Running && c.Slice <= 0)
        {
            c.Slice = Slice;
        }

        return r;
    }

    public ThreadId PickNext(int cpu)
    {
        MThread p = Current[cpu];
        if (!p.Idle && p.State == ThreadState.Running)
        {
            p.State = ThreadState.Ready;
            if (p.Slice <= 0)
            {
                p.Slice = Slice;
                Ready[cpu][p.Prio].Add(p);
            }
            else
            {
                Ready[cpu][p.Prio].Insert(0, p);
            }
        }

        MThread n = IdleOf[cpu];
        int top = TopPriority(cpu);
        if (top >= 0)
        {
            n = Ready[cpu][top][0];
            Ready[cpu][top].RemoveAt(0);
        }

        n.State = ThreadState.Running;
        if (n != p)
        {
            p.OnCpu = -1;
            if (p.Idle)
            {
                p.State = ThreadState.Ready;
            }

            SwitchIn(cpu, n);
        }

        return new ThreadId(n.Id);
    }

    private void SwitchIn(int cpu, MThread n)
    {
        n.OnCpu = cpu;
        n.Switches++;
        Current[cpu] = n;
        ContextSwitches[cpu]++;
    }

    public bool Yield(int cpu)
    {
        MThread c = Current[cpu];
        if (c.Idle || c.State != ThreadState.Running)
        {
            return false;
        }

        c.Slice = 0;
        return ShouldPreempt(cpu);
    }

    public SchedStatus HandOff(ThreadId from, ThreadId to, ulong key)
    {
        SchedStatus s = Resolve(from, out MThread? f);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        s = Resolve(to, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (f == t)
        {
            return SchedStatus.InvalidArgument;
        }

        if (f.State != ThreadState.Running || (t.State != ThreadState.Ready && t.State != ThreadState.Blocked))
        {
            return SchedStatus.WrongState;
        }

        int cpu = f.OnCpu;
        if (t.Home != cpu)
        {
            return SchedStatus.InvalidCpu;
        }

        if (t.State == ThreadState.Blocked)
        {
            t.LastWake = WakeReason.Notified;
        }

        Detach(t);
        f.State = ThreadState.Blocked;
        f.LastWake = WakeReason.None;
        f.OnCpu = -1;
        EnterWait(f, key);
        t.State = ThreadState.Running;
        if (t.Slice <= 0)
        {
            t.Slice = Slice;
        }

        SwitchIn(cpu, t);
        return SchedStatus.Ok;
    }

    public SchedStatus SetPriority(ThreadId id, int prio, out WakeReport report)
    {
        report = default;
        SchedStatus s = Resolve(id, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (prio < 0 || prio > Scheduler.MaxPriority)
        {
            return SchedStatus.InvalidPriority;
        }

        if (t.State == ThreadState.Ready)
        {
            Ready[t.Home][t.Prio].Remove(t);
            t.Prio = prio;
            Ready[t.Home][t.Prio].Add(t);
        }
        else
        {
            t.Prio = prio;
        }

        if ((t.State == ThreadState.Ready || t.State == ThreadState.Running) && ShouldPreempt(t.Home))
        {
            report.RescheduleMask = 1UL << t.Home;
        }

        return SchedStatus.Ok;
    }

    public SchedStatus SetHomeCpu(ThreadId id, int cpu, out WakeReport report)
    {
        report = default;
        SchedStatus s = Resolve(id, out MThread? t);
        if (s != SchedStatus.Ok)
        {
            return s;
        }

        if (cpu < 0 || cpu >= Cpus)
        {
            return SchedStatus.InvalidCpu;
        }

        if (t.OnCpu != -1)
        {
            return SchedStatus.WrongState;
        }

        if (t.State == ThreadState.Ready)
        {
            Ready[t.Home][t.Prio].Remove(t);
            t.Home = cpu;
            MakeReady(t, ref report);
            report.Woken = 0;
            report.First = ThreadId.None;
        }
        else if (t.InHeap)
        {
            t.Home = cpu;
            t.Seq = ++_seq;
        }
        else
        {
            t.Home = cpu;
        }

        return SchedStatus.Ok;
    }
}
