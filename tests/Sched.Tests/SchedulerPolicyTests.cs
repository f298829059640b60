using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Scheduling;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Properties of the policy itself: fair shares, prompt preemption, exact sleep
/// wake-ups, and cross-CPU wake-ups with their IPI reports.</summary>
public class SchedulerPolicyTests
{
    /// <summary>Runs a CPU for one tick the way the kernel does: tick, and if told to,
    /// pick the next thread.</summary>
    private static void Step(SchedHarness h, int cpu, ulong now)
    {
        if (h.S.Tick(cpu, now))
        {
            h.S.PickNext(cpu);
        }
    }

    [Fact]
    public void Equal_priority_cpu_bound_threads_get_shares_within_one_timeslice() =>
        PropertyCheck.ForAll(
            from n in Gen.Choose(2, 8)
            from slice in Gen.Choose(1, 6)
            from prio in Gen.Choose(0, Scheduler.MaxPriority)
            from ticks in Gen.Choose(1, 400)
            select (n, slice, prio, ticks),
            c =>
            {
                using var h = new SchedHarness(c.n + 1, 1, c.slice);
                ThreadId[] threads = Enumerable.Range(0, c.n).Select(_ => h.Spawn(c.prio)).ToArray();
                h.S.PickNext(0);
                for (ulong t = 1; t <= (ulong)c.ticks; t++)
                {
                    Step(h, 0, t);
                }

                long[] shares = threads.Select(id => (long)h.Info(id).TicksRun).ToArray();
                Assert.Equal(c.ticks, shares.Sum());
                double fair = (double)c.ticks / c.n;
                Assert.True(shares.Max() - shares.Min() <= c.slice, $"shares {string.Join(",", shares)}");
                Assert.All(shares, s => Assert.True(Math.Abs(s - fair) <= c.slice, $"share {s} vs fair {fair}"));

                // Round-robin order: first started runs first, each runs a whole slice.
                Assert.Equal(threads[(c.ticks / c.slice) % c.n].Value, h.S.Current(0).Value);
                h.AssertValid();
            });

    /// <summary>Threads of random priorities come and go (start, block, wake, sleep,
    /// priority changes) between ticks; at every tick a ready thread that outranks the
    /// running one makes <see cref="Scheduler.Tick"/> say reschedule, and after the pick
    /// nothing ready outranks the running thread.</summary>
    [Fact]
    public void A_higher_priority_ready_thread_preempts_on_the_next_tick() =>
        PropertyCheck.ForAll(
            from slice in Gen.Choose(1, 4)
            from events in Gen.ArrayOf(Gen.Choose(0, 99).Zip(Gen.Choose(0, 7)), 60)
            select (slice, events),
            c =>
            {
                using var h = new SchedHarness(16, 1, c.slice);
                var threads = new List<ThreadId>();
                h.S.PickNext(0);
                ulong now = 0;
                foreach ((int what, int prio) in c.events)
                {
                    ThreadId cur = h.S.Current(0);
                    bool curIsWorker = !h.Info(cur).IsIdle;
                    switch (what % 6)
                    {
                        case 0:
                            if (h.S.Create(prio, 0, out ThreadId id) == SchedStatus.Ok)
                            {
                                h.S.Start(id, out WakeReport report);
                                threads.Add(id);
                                bool outranks = !curIsWorker || prio > h.Info(cur).Priority;
                                Assert.Equal(outranks, report.ReschedulesSelf(0));
                            }

                            break;
                        case 1:
                            if (curIsWorker)
                            {
                                h.S.Block(cur, (ulong)(what % 3));
                                h.S.PickNext(0);
                            }

                            break;
                        case 2:
                            h.S.WakeOne((ulong)(what % 3), out _);
                            break;
                        case 3:
                            if (curIsWorker)
                            {
                                h.S.Sleep(cur, now + (ulong)prio);
                                h.S.PickNext(0);
                            }

                            break;
                        case 4:
                            if (threads.Count > 0)
                            {
                                h.S.SetPriority(threads[what % threads.Count], prio, out _);
                            }

                            break;
                    }

                    // The tick: anything ready above the running thread must preempt it now.
                    cur = h.S.Current(0);
                    int running = h.Info(cur).IsIdle ? -1 : h.Info(cur).Priority;
                    int best = Enumerable.Range(0, RunQueue.Levels).Where(p => !h.S.FirstReady(0, p).IsNone).DefaultIfEmpty(-1).Max();
                    now++;
                    bool reschedule = h.S.Tick(0, now);
                    int bestAfter = Enumerable.Range(0, RunQueue.Levels).Where(p => !h.S.FirstReady(0, p).IsNone).DefaultIfEmpty(-1).Max();
                    if (best > running || bestAfter > running)
                    {
                        Assert.True(reschedule, "a higher-priority ready thread did not preempt");
                    }

                    if (reschedule)
                    {
                        h.S.PickNext(0);
                    }

                    ThreadInfo after = h.Info(h.S.Current(0));
                    int top = Enumerable.Range(0, RunQueue.Levels).Where(p => !h.S.FirstReady(0, p).IsNone).DefaultIfEmpty(-1).Max();
                    Assert.True(top <= (after.IsIdle ? -1 : after.Priority), "a ready thread outranks the running one after the tick");
                    h.AssertValid();
                }
            });

    /// <summary>Sleepers with random deadlines (many equal); the clock advances by random
    /// steps. Each wakes on the first tick at or past its deadline, never earlier, and the
    /// ready queue holds them in (deadline, order of going to sleep) order.</summary>
    [Fact]
    public void Sleepers_wake_on_the_tick_their_deadline_passes_in_deadline_order() =>
        PropertyCheck.ForAll(
            from n in Gen.Choose(1, 20)
            from deadlines in Gen.ArrayOf(Gen.Choose(0, 30), n)
            from steps in Gen.ArrayOf(Gen.Choose(1, 4), 40)
            select (deadlines, steps),
            c =>
            {
                using var h = new SchedHarness(c.deadlines.Length + 1, 1, 3);
                ThreadId[] threads = c.deadlines.Select(_ => h.Spawn(5)).ToArray();
                for (int i = 0; i < threads.Length; i++)
                {
                    SchedHarness.Check(h.S.Sleep(threads[i], (ulong)c.deadlines[i]));
                }

                Assert.Equal((ulong)c.deadlines.Min(), h.S.NextDeadline(0));
                ulong?[] wokeAt = new ulong?[threads.Length];
                ulong now = 0;
                foreach (int step in c.steps)
                {
                    now += (ulong)step;
                    h.S.Tick(0, now);
                    // Never PickNext: the woken stay queued, so the queue shows the wake order.
                    for (int i = 0; i < threads.Length; i++)
                    {
                        ThreadInfo info = h.Info(threads[i]);
                        if (wokeAt[i] is null && info.State == ThreadState.Ready)
                        {
                            wokeAt[i] = now;
                            Assert.Equal(WakeReason.TimedOut, info.LastWake);
                        }
                    }
                }

                // Each thread woke on the first tick at or past its deadline, never earlier.
                var tickTimes = new List<ulong>();
                ulong clock = 0;
                foreach (int step in c.steps)
                {
                    clock += (ulong)step;
                    tickTimes.Add(clock);
                }

                for (int i = 0; i < threads.Length; i++)
                {
                    ulong d = (ulong)c.deadlines[i];
                    ulong? expectedTick = tickTimes.Where(t => t >= d).Select(t => (ulong?)t).FirstOrDefault();
                    Assert.Equal(expectedTick, wokeAt[i]);
                }

                var expected = Enumerable.Range(0, threads.Length).Where(i => wokeAt[i] is not null)
                    .OrderBy(i => c.deadlines[i]).ThenBy(i => i).Select(i => threads[i].Value).ToList();
                var queued = new List<uint>();
                for (ThreadId r = h.S.FirstReady(0, 5); !r.IsNone; r = h.S.NextReady(r))
                {
                    queued.Add(r.Value);
                }

                Assert.Equal<uint>(expected, queued);
                h.AssertValid();
            });

    /// <summary>Two CPUs, threads pinned to each, CPU 0 does every wake-up: a thread homed
    /// on CPU 1 lands in CPU 1's queue and the report asks for an IPI to CPU 1 exactly when
    /// it outranks what CPU 1 runs; a CPU only ever picks its own threads.</summary>
    [Fact]
    public void Cross_cpu_wake_lands_on_the_home_queue_and_reports_an_ipi() =>
        PropertyCheck.ForAll(
            from n in Gen.Choose(2, 10)
            from threads in Gen.ArrayOf(Gen.Choose(0, 1).Zip(Gen.Choose(0, 5)), n)
            from ops in Gen.ArrayOf(Gen.Choose(0, 999), 80)
            select (threads, ops),
            c =>
            {
                using var h = new SchedHarness(c.threads.Length + 2, 2, 2);
                ThreadId[] ids = c.threads.Select(t => h.Spawn(t.Item2, t.Item1)).ToArray();
                h.S.PickNext(0);
                h.S.PickNext(1);
                ulong now = 0;
                foreach (int op in c.ops)
                {
                    int i = op % ids.Length;
                    int cpu = c.threads[i].Item1;
                    ulong key = (ulong)(op % 3);
                    switch ((op / 16) % 4)
                    {
                        case 0:
                            {
                                // The current thread of some CPU blocks on a key.
                                ThreadId cur = h.S.Current((op / 64) % 2);
                                if (!h.Info(cur).IsIdle)
                                {
                                    SchedHarness.Check(h.S.Block(cur, key));
                                    h.S.PickNext((op / 64) % 2);
                                }

                                break;
                            }

                        case 1:
                            {
                                // CPU 0 wakes the oldest waiter on a key.
                                ThreadId first = h.S.FirstWaiter(key);
                                if (first.IsNone)
                                {
                                    Assert.False(h.S.WakeOne(key, out _));
                                    break;
                                }

                                ThreadInfo before = h.Info(first);
                                ThreadInfo target = h.Info(h.S.Current(before.HomeCpu));
                                int readyBefore = h.S.ReadyCount(before.HomeCpu);
                                int otherBefore = h.S.ReadyCount(1 - before.HomeCpu);
                                Assert.True(h.S.WakeOne(key, out WakeReport report));
                                Assert.Equal(first.Value, report.First.Value);
                                Assert.Equal(readyBefore + 1, h.S.ReadyCount(before.HomeCpu));
                                Assert.Equal(otherBefore, h.S.ReadyCount(1 - before.HomeCpu));
                                bool outranks = target.IsIdle || target.State != ThreadState.Running || before.Priority > target.Priority;
                                ulong expectIpi = before.HomeCpu == 1 && outranks ? 2UL : 0UL;
                                Assert.Equal(expectIpi, report.IpiMask(0));
                                Assert.Equal(before.HomeCpu == 0 && outranks, report.ReschedulesSelf(0));
                                if (report.IpiMask(0) != 0)
                                {
                                    // The IPI handler on CPU 1 reschedules and runs it (or better).
                                    Assert.True(h.S.ShouldPreempt(1));
                                    h.S.PickNext(1);
                                }

                                break;
                            }

                        case 2:
                            now++;
                            Step(h, 0, now);
                            Step(h, 1, now);
                            break;
                        default:
                            h.S.Yield(cpu);
                            h.S.PickNext(cpu);
                            break;
                    }

                    for (int k = 0; k < ids.Length; k++)
                    {
                        ThreadInfo info = h.Info(ids[k]);
                        Assert.Equal(c.threads[k].Item1, info.HomeCpu);
                        Assert.True(info.OnCpu == -1 || info.OnCpu == info.HomeCpu);
                    }

                    h.AssertValid();
                }
            });
}
