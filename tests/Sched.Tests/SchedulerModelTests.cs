using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Scheduling;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Random operation sequences against <see cref="SchedModel"/>: after every step
/// the status, the returned thread / flag / count / report, every thread's record, every
/// CPU's current thread and counts, and the structural check must agree.</summary>
public class SchedulerModelTests
{
    public enum OpKind { Create, Start, Block, BlockUntil, WakeOne, WakeAll, Sleep, Tick, Pick, Yield, Exit, Reap, SetPriority, HandOff, SetHomeCpu }

    /// <summary>T selects a thread (see <see cref="Pick"/>); P a priority; C a CPU; K a
    /// key; D a deadline offset or tick advance.</summary>
    public sealed record Op(OpKind Kind, int T, int T2, int P, int C, int K, int D)
    {
        public override string ToString() => $"{Kind}(t{T} t{T2} p{P} c{C} k{K} d{D})";
    }

    public sealed record Scenario(int Cpus, int Capacity, int Slice, Op[] Ops)
    {
        public override string ToString() => $"{Cpus} cpu, {Capacity} records, slice {Slice}: " + string.Join("; ", Ops.Select(o => o.ToString()));
    }

    private static readonly Gen<OpKind> s_kindGen = Gen.Frequency(
        (6, Gen.Constant(OpKind.Create)), (8, Gen.Constant(OpKind.Start)), (4, Gen.Constant(OpKind.Block)),
        (2, Gen.Constant(OpKind.BlockUntil)), (4, Gen.Constant(OpKind.WakeOne)), (2, Gen.Constant(OpKind.WakeAll)),
        (3, Gen.Constant(OpKind.Sleep)), (10, Gen.Constant(OpKind.Tick)), (8, Gen.Constant(OpKind.Pick)),
        (3, Gen.Constant(OpKind.Yield)), (2, Gen.Constant(OpKind.Exit)), (2, Gen.Constant(OpKind.Reap)),
        (2, Gen.Constant(OpKind.SetPriority)), (3, Gen.Constant(OpKind.HandOff)), (2, Gen.Constant(OpKind.SetHomeCpu)));

    private static Gen<Op> OpGen(int cpus) =>
        from kind in s_kindGen
        from t in Gen.Choose(0, 999)
        from t2 in Gen.Choose(0, 999)
        from p in Gen.Frequency((10, Gen.Choose(0, 2)), (2, Gen.Choose(0, Scheduler.MaxPriority)), (1, Gen.Elements(-1, 32, 1000)))
        from c in Gen.Frequency((20, Gen.Choose(0, cpus - 1)), (1, Gen.Elements(-1, cpus, 64)))
        from k in Gen.Frequency((3, Gen.Choose(1, 4)), (1, Gen.Choose(5, 40)))
        from d in Gen.Choose(0, 5)
        select new Op(kind, t, t2, p, c, k, d);

    public static readonly Gen<Scenario> ScenarioGen =
        from cpus in Gen.Choose(1, 3)
        from extra in Gen.Choose(1, 14)
        from slice in Gen.Choose(1, 4)
        from n in Gen.Choose(1, 150)
        from ops in Gen.ArrayOf(OpGen(cpus), n)
        select new Scenario(cpus, cpus + extra, slice, ops);

    /// <summary>Mostly blocking and waking on many keys with few buckets (capacity 3..12:
    /// 2..8 buckets), so keys share buckets and leaders are replaced mid-chain.</summary>
    private static readonly Gen<OpKind> s_waitKindGen = Gen.Frequency(
        (4, Gen.Constant(OpKind.Create)), (5, Gen.Constant(OpKind.Start)), (8, Gen.Constant(OpKind.Block)),
        (3, Gen.Constant(OpKind.BlockUntil)), (5, Gen.Constant(OpKind.WakeOne)), (2, Gen.Constant(OpKind.WakeAll)),
        (3, Gen.Constant(OpKind.Tick)), (2, Gen.Constant(OpKind.Pick)), (2, Gen.Constant(OpKind.Exit)),
        (2, Gen.Constant(OpKind.Reap)), (2, Gen.Constant(OpKind.HandOff)));

    public static readonly Gen<Scenario> WaitScenarioGen =
        from capacity in Gen.Choose(3, 12)
        from n in Gen.Choose(1, 150)
        from ops in Gen.ArrayOf(
            from kind in s_waitKindGen
            from t in Gen.Choose(0, 999)
            from t2 in Gen.Choose(0, 999)
            from k in Gen.Choose(1, 12)
            from d in Gen.Choose(0, 5)
            select new Op(kind, t, t2, 1, 0, k, d), n)
        select new Scenario(1, capacity, 2, ops);

    [Fact]
    public void Scheduler_agrees_with_the_model_after_every_step() => PropertyCheck.ForAll(ScenarioGen, Run);

    [Fact]
    public void Wait_hash_with_shared_buckets_agrees_with_the_model() => PropertyCheck.ForAll(WaitScenarioGen, Run);

    /// <summary>Chooses a thread id: mostly a live thread, else a CPU's current or idle
    /// thread, any id ever issued (perhaps reaped), or a forged one (wrong generation, out
    /// of range, none).</summary>
    private static ThreadId Pick(int sel, List<ThreadId> issued, SchedModel m, int cpus, params ThreadState[] wanted)
    {
        int roll = sel % 20;
        if (roll < 12)
        {
            // Mostly a live thread in a state the operation accepts.
            var live = m.Live.Values.Where(t => !t.Idle && (roll < 3 || wanted.Length == 0 || wanted.Contains(t.State))).Select(t => t.Id).OrderBy(v => v).ToList();
            if (live.Count > 0)
            {
                return new ThreadId(live[(sel / 20) % live.Count]);
            }
        }

        switch (roll)
        {
            case 12:
                return new ThreadId(issued[sel % issued.Count].Value + 0x10000u);
            case 13:
                return sel % 3 == 0 ? ThreadId.None : new ThreadId(0x10000u | (uint)(1000 + sel));
            case 14:
                return new ThreadId(m.IdleOf[sel % cpus].Id);
            case 15:
            case 16:
                return new ThreadId(m.Current[sel % cpus].Id);
            default:
                return issued[sel % issued.Count];
        }
    }

    private static void Run(Scenario sc)
    {
        using var h = new SchedHarness(sc.Capacity, sc.Cpus, sc.Slice);
        ThreadId[] idle = Enumerable.Range(0, sc.Cpus).Select(c => h.S.IdleThread(c)).ToArray();
        var m = new SchedModel(sc.Capacity, sc.Cpus, sc.Slice, idle);
        var issued = new List<ThreadId>(idle);
        var everIssued = new HashSet<uint>(idle.Select(i => i.Value));
        Compare(h, m, issued, -1, null);
        for (int step = 0; step < sc.Ops.Length; step++)
        {
            Op op = sc.Ops[step];
            ThreadState[] wanted = op.Kind switch
            {
                OpKind.Start => [ThreadState.Created],
                OpKind.Block or OpKind.BlockUntil or OpKind.Sleep => [ThreadState.Running, ThreadState.Ready],
                OpKind.Reap => [ThreadState.Exited],
                OpKind.SetHomeCpu => [ThreadState.Ready, ThreadState.Sleeping, ThreadState.Blocked],
                _ => [],
            };
            ThreadId t = Pick(op.T, issued, m, sc.Cpus, wanted);
            ThreadId t2 = op.Kind == OpKind.HandOff ? Pick(op.T2, issued, m, sc.Cpus, ThreadState.Blocked, ThreadState.Ready) : Pick(op.T2, issued, m, sc.Cpus);
            int cpu = op.C;
            int validCpu = ((op.C % sc.Cpus) + sc.Cpus) % sc.Cpus;
            ulong key = (ulong)op.K * 0x1000_0000_0001UL;
            switch (op.Kind)
            {
                case OpKind.Create:
                    {
                        SchedStatus s = h.S.Create(op.P, cpu, out ThreadId id);
                        SchedStatus ms = m.Create(op.P, cpu, id);
                        Assert.Equal(ms, s);
                        if (s == SchedStatus.Ok)
                        {
                            Assert.True(everIssued.Add(id.Value), "id reused");
                            issued.Add(id);
                        }
                        else
                        {
                            Assert.True(id.IsNone);
                        }

                        break;
                    }

                case OpKind.Start:
                    {
                        SchedStatus s = h.S.Start(t, out WakeReport r);
                        SchedStatus ms = m.Start(t, out WakeReport mr);
                        Assert.Equal(ms, s);
                        Assert.Equal(mr, r);
                        break;
                    }

                case OpKind.Block:
                    Assert.Equal(m.BlockUntil(t, key, Scheduler.Forever), h.S.Block(t, key));
                    break;
                case OpKind.BlockUntil:
                    {
                        ulong deadline = Deadline(m, validCpu, op);
                        Assert.Equal(m.BlockUntil(t, key, deadline), h.S.BlockUntil(t, key, deadline));
                        break;
                    }

                case OpKind.Sleep:
                    {
                        ulong deadline = Deadline(m, validCpu, op);
                        Assert.Equal(m.Sleep(t, deadline), h.S.Sleep(t, deadline));
                        break;
                    }

                case OpKind.WakeOne:
                    {
                        bool w = h.S.WakeOne(key, out WakeReport r);
                        Assert.Equal(m.WakeOne(key, out WakeReport mr), w);
                        Assert.Equal(mr, r);
                        break;
                    }

                case OpKind.WakeAll:
                    {
                        WakeReason reason = op.D % 2 == 0 ? WakeReason.Notified : WakeReason.Closed;
                        int n = h.S.WakeAll(key, reason, out WakeReport r);
                        Assert.Equal(m.WakeAll(key, reason, out WakeReport mr), n);
                        Assert.Equal(mr, r);
                        break;
                    }

                case OpKind.Tick:
                    {
                        // Each CPU's clock moves on by 0..3 (sometimes repeats a tick).
                        ulong now = m.Now[validCpu] + (ulong)(op.D % 4);
                        Assert.Equal(m.Tick(validCpu, now), h.S.Tick(validCpu, now));
                        break;
                    }

                case OpKind.Pick:
                    Assert.Equal(m.PickNext(validCpu).Value, h.S.PickNext(validCpu).Value);
                    break;
                case OpKind.Yield:
                    Assert.Equal(m.Yield(validCpu), h.S.Yield(validCpu));
                    break;
                case OpKind.Exit:
                    Assert.Equal(m.Exit(t), h.S.Exit(t));
                    break;
                case OpKind.Reap:
                    Assert.Equal(m.Reap(t), h.S.Reap(t));
                    break;
                case OpKind.SetPriority:
                    {
                        SchedStatus s = h.S.SetPriority(t, op.P, out WakeReport r);
                        Assert.Equal(m.SetPriority(t, op.P, out WakeReport mr), s);
                        Assert.Equal(mr, r);
                        break;
                    }

                case OpKind.HandOff:
                    {
                        // Mostly from a CPU's current thread, to any thread.
                        ThreadId from = op.D < 5 ? h.S.Current(validCpu) : t;
                        Assert.Equal(m.HandOff(from, t2, key), h.S.HandOff(from, t2, key));
                        break;
                    }

                case OpKind.SetHomeCpu:
                    {
                        SchedStatus s = h.S.SetHomeCpu(t, cpu, out WakeReport r);
                        Assert.Equal(m.SetHomeCpu(t, cpu, out WakeReport mr), s);
                        Assert.Equal(mr, r);
                        break;
                    }
            }

            Compare(h, m, issued, step, op);
        }
    }

    /// <summary>A few ticks after a CPU's clock, or a small absolute tick (often already
    /// past, and often equal to another sleeper's, to exercise ties).</summary>
    private static ulong Deadline(SchedModel m, int cpu, Op op) => op.T2 % 2 == 0 ? m.Now[cpu] + (ulong)op.D : (ulong)(op.D * 2);

    private static void Compare(SchedHarness h, SchedModel m, List<ThreadId> issued, int step, Op? op)
    {
        string where = $"after step {step} {op}";
        Assert.True(h.S.Validate() == 0, $"Validate check {h.S.Validate()} {where}");
        Assert.Equal(m.Live.Count - m.Cpus, h.S.ThreadCount);
        foreach (ThreadId id in issued)
        {
            SchedStatus s = h.S.Query(id, out ThreadInfo info);
            if (!m.Live.TryGetValue(id.Value, out MThread? t))
            {
                Assert.Equal(SchedStatus.StaleId, s);
                continue;
            }

            Assert.Equal(SchedStatus.Ok, s);
            var expected = new ThreadInfo
            {
                State = t.State,
                Priority = t.Prio,
                HomeCpu = t.Home,
                OnCpu = t.OnCpu,
                WaitKey = t.Key ?? 0,
                Deadline = t.InHeap ? t.Deadline : Scheduler.Forever,
                SliceLeft = t.Slice,
                Switches = t.Switches,
                TicksRun = t.TicksRun,
                LastWake = t.LastWake,
                IsIdle = t.Idle,
            };
            Assert.True(expected.Equals(info), $"thread {id.Value:x}: expected {Show(expected)} got {Show(info)} {where}");
        }

        for (int c = 0; c < m.Cpus; c++)
        {
            Assert.Equal(m.Current[c].Id, h.S.Current(c).Value);
            Assert.Equal(m.ReadyOn(c).Count(), h.S.ReadyCount(c));
            Assert.Equal(m.SleepersOn(c), h.S.SleeperCount(c));
            Assert.Equal(m.NextDeadline(c), h.S.NextDeadline(c));
            Assert.Equal(m.ContextSwitches[c], h.S.ContextSwitches(c));
            Assert.Equal(m.IdleTicks[c], h.S.IdleTicks(c));
            Assert.Equal(m.ShouldPreempt(c), h.S.ShouldPreempt(c));
            for (int p = 0; p < RunQueue.Levels; p++)
            {
                if (m.Ready[c][p].Count == 0)
                {
                    Assert.True(h.S.FirstReady(c, p).IsNone, "ready list should be empty " + where);
                    continue;
                }

                var order = new List<uint>();
                for (ThreadId r = h.S.FirstReady(c, p); !r.IsNone; r = h.S.NextReady(r))
                {
                    order.Add(r.Value);
                    Assert.True(order.Count <= m.Capacity, "ready list loops " + where);
                }

                Assert.Equal(m.Ready[c][p].Select(x => x.Id), order);
            }
        }

        foreach ((ulong key, List<MThread>? list) in m.Waiters)
        {
            var order = new List<uint>();
            for (ThreadId w = h.S.FirstWaiter(key); !w.IsNone; w = h.S.NextWaiter(w))
            {
                order.Add(w.Value);
                Assert.True(order.Count <= m.Capacity, "wait ring loops " + where);
            }

            Assert.Equal(list.Select(x => x.Id), order);
        }

        // Every live thread is in exactly one place, as its state says.
        foreach (MThread t in m.Live.Values)
        {
            int places = m.Cpus == 0 ? 0 : Enumerable.Range(0, m.Cpus).Sum(c => m.ReadyOn(c).Count(x => x == t))
                + m.Waiters.Values.Sum(l => l.Count(x => x == t))
                + (m.Current.Contains(t) && t.State == ThreadState.Running ? 1 : 0)
                + (t.State == ThreadState.Sleeping && t.InHeap ? 1 : 0);
            int expectedPlaces = t.State switch
            {
                ThreadState.Created or ThreadState.Exited => 0,
                ThreadState.Ready when t.Idle => 0,
                _ => 1,
            };
            Assert.True(places == expectedPlaces, $"thread {t.Id:x} in {places} places {where}");
        }
    }

    private static string Show(ThreadInfo i) => $"{i.State} p{i.Priority} home{i.HomeCpu} on{i.OnCpu} key{i.WaitKey:x} dl{i.Deadline} slice{i.SliceLeft} sw{i.Switches} run{i.TicksRun} {i.LastWake} idle{i.IsIdle}";
}
