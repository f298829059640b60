using Microkernel.Scheduling;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Single behaviours spelled out.</summary>
public class SchedulerFacts
{
    [Fact]
    public void Equal_deadlines_wake_in_the_order_the_threads_went_to_sleep()
    {
        using var h = new SchedHarness(8, 1, 3);
        ThreadId a = h.Spawn(1);
        ThreadId b = h.Spawn(1);
        ThreadId c = h.Spawn(1);
        SchedHarness.Check(h.S.Sleep(b, 5));
        SchedHarness.Check(h.S.Sleep(a, 5));
        SchedHarness.Check(h.S.Sleep(c, 5));
        Assert.False(h.S.Tick(0, 4));
        Assert.True(h.S.Tick(0, 5));
        Assert.Equal(b.Value, h.S.FirstReady(0, 1).Value);
        Assert.Equal(a.Value, h.S.NextReady(b).Value);
        Assert.Equal(c.Value, h.S.NextReady(a).Value);
        Assert.Equal(WakeReason.TimedOut, h.Info(a).LastWake);
        h.AssertValid();
    }

    [Fact]
    public unsafe void Initialize_refuses_bad_arguments()
    {
        var records = new ThreadRecord[4];
        var queues = new RunQueue[2];
        fixed (ThreadRecord* r = records)
        fixed (RunQueue* q = queues)
        {
            Scheduler s = default;
            Assert.Equal(SchedStatus.InvalidArgument, s.Initialize(null, 4, q, 1, 1));
            Assert.Equal(SchedStatus.InvalidArgument, s.Initialize(r, 4, null, 1, 1));
            Assert.Equal(SchedStatus.InvalidArgument, s.Initialize(r, 2, q, 2, 1));
            Assert.Equal(SchedStatus.InvalidArgument, s.Initialize(r, 4, q, 0, 1));
            Assert.Equal(SchedStatus.InvalidArgument, s.Initialize(r, 4, q, 65, 1));
            Assert.Equal(SchedStatus.InvalidArgument, s.Initialize(r, 4, q, 1, 0));
            Assert.Equal(SchedStatus.Ok, s.Initialize(r, 4, q, 2, 1));
            Assert.Equal(2, s.ThreadCount + 2);
            Assert.True(s.Current(0).Equals(s.IdleThread(0)));
        }
    }

    [Fact]
    public void A_reaped_thread_id_is_stale_and_its_record_gets_a_new_id()
    {
        using var h = new SchedHarness(2, 1, 2);
        ThreadId a = h.Spawn(3);
        Assert.Equal(SchedStatus.TableFull, h.S.Create(3, 0, out _));
        Assert.Equal(a.Value, h.S.PickNext(0).Value);
        Assert.Equal(SchedStatus.Ok, h.S.Exit(a));
        Assert.Equal(SchedStatus.WrongState, h.S.Reap(a)); // still CPU 0's current thread
        Assert.True(h.S.ShouldPreempt(0));
        Assert.Equal(h.S.IdleThread(0).Value, h.S.PickNext(0).Value);
        Assert.Equal(SchedStatus.Ok, h.S.Reap(a));
        foreach (SchedStatus status in new[] { h.S.Start(a, out _), h.S.Exit(a), h.S.Reap(a), h.S.Block(a, 1), h.S.Sleep(a, 1), h.S.SetPriority(a, 1, out _), h.S.Query(a, out _) })
        {
            Assert.Equal(SchedStatus.StaleId, status);
        }

        ThreadId b = h.Create(1);
        Assert.Equal(a.Index, b.Index);
        Assert.NotEqual(a.Generation, b.Generation);
        Assert.Equal(SchedStatus.StaleId, h.S.Start(a, out _));
        Assert.Equal(SchedStatus.StaleId, h.S.Start(ThreadId.None, out _));
        h.AssertValid();
    }

    [Fact]
    public void Idle_threads_refuse_thread_operations()
    {
        using var h = new SchedHarness(4, 1, 2);
        ThreadId idle = h.S.IdleThread(0);
        Assert.Equal(SchedStatus.IdleThread, h.S.Block(idle, 1));
        Assert.Equal(SchedStatus.IdleThread, h.S.Exit(idle));
        Assert.Equal(SchedStatus.IdleThread, h.S.SetPriority(idle, 1, out _));
        Assert.True(h.Info(idle).IsIdle);
        Assert.False(h.S.Yield(0));
    }

    [Fact]
    public void Call_and_reply_hand_off_switches_straight_to_the_server_and_back()
    {
        using var h = new SchedHarness(8, 1, 4);
        const ulong Endpoint = 0xE0;
        const ulong Reply = 0xF0;
        ThreadId server = h.Spawn(2);
        ThreadId client = h.Spawn(2);
        ThreadId bystander = h.Spawn(2);
        Assert.Equal(server.Value, h.S.PickNext(0).Value);
        SchedHarness.Check(h.S.Block(server, Endpoint)); // server waits for a request
        Assert.Equal(client.Value, h.S.PickNext(0).Value);

        SchedHarness.Check(h.S.HandOff(client, server, Reply)); // call
        Assert.Equal(server.Value, h.S.Current(0).Value);
        Assert.Equal(ThreadState.Running, h.Info(server).State);
        Assert.Equal(WakeReason.Notified, h.Info(server).LastWake);
        Assert.Equal(ThreadState.Blocked, h.Info(client).State);
        Assert.Equal(Reply, h.Info(client).WaitKey);
        Assert.Equal(ThreadState.Ready, h.Info(bystander).State); // skipped, not dequeued

        SchedHarness.Check(h.S.HandOff(server, client, Endpoint)); // reply and wait again
        Assert.Equal(client.Value, h.S.Current(0).Value);
        Assert.Equal(Endpoint, h.Info(server).WaitKey);
        Assert.Equal(SchedStatus.WrongState, h.S.HandOff(server, client, Endpoint));
        Assert.Equal(SchedStatus.InvalidArgument, h.S.HandOff(client, client, Endpoint));
        h.AssertValid();
    }

    [Fact]
    public void Interrupt_takes_a_thread_out_of_a_wait_or_a_sleep_and_nothing_else()
    {
        using var h = new SchedHarness(8, 1, 4);
        ThreadId blocked = h.Spawn(2);
        ThreadId sleeper = h.Spawn(2);
        ThreadId other = h.Spawn(2);
        Assert.Equal(blocked.Value, h.S.PickNext(0).Value);
        SchedHarness.Check(h.S.Block(blocked, 0xAB));
        Assert.Equal(sleeper.Value, h.S.PickNext(0).Value);
        SchedHarness.Check(h.S.Sleep(sleeper, 1_000_000));
        Assert.Equal(other.Value, h.S.PickNext(0).Value);

        Assert.True(h.S.Interrupt(blocked, out _));
        Assert.Equal(ThreadState.Ready, h.Info(blocked).State);
        Assert.Equal(WakeReason.Interrupted, h.Info(blocked).LastWake);
        Assert.False(h.S.WakeOne(0xAB, out _)); // it left the key's queue
        Assert.True(h.S.Interrupt(sleeper, out _));
        Assert.Equal(ThreadState.Ready, h.Info(sleeper).State);
        Assert.False(h.S.Tick(0, 2_000_000) && h.Info(sleeper).LastWake == WakeReason.TimedOut); // not in the sleep heap any more
        Assert.False(h.S.Interrupt(other, out _)); // running: nothing to interrupt
        Assert.False(h.S.Interrupt(blocked, out _)); // ready: nothing to interrupt
        h.AssertValid();
    }

    [Fact]
    public void Hand_off_to_a_thread_homed_on_another_cpu_is_refused()
    {
        using var h = new SchedHarness(8, 2, 4);
        ThreadId a = h.Spawn(2, 0);
        ThreadId b = h.Create(2, 1);
        h.S.PickNext(0);
        SchedHarness.Check(h.S.Start(b, out WakeReport report));
        Assert.Equal(2UL, report.IpiMask(0));
        Assert.Equal(SchedStatus.InvalidCpu, h.S.HandOff(a, b, 7));
        Assert.Equal(SchedStatus.WrongState, h.S.SetHomeCpu(a, 1, out _)); // running
        h.AssertValid();
    }

    [Fact]
    public void Wake_all_with_closed_wakes_every_waiter_in_order_and_a_timed_block_times_out()
    {
        using var h = new SchedHarness(8, 1, 4);
        ThreadId a = h.Spawn(1);
        ThreadId b = h.Spawn(1);
        ThreadId c = h.Spawn(1);
        SchedHarness.Check(h.S.Block(b, 9));
        SchedHarness.Check(h.S.BlockUntil(a, 9, 50));
        SchedHarness.Check(h.S.BlockUntil(c, 8, 3));
        Assert.Equal(2, h.S.SleeperCount(0));
        Assert.Equal(3UL, h.S.NextDeadline(0));
        Assert.Equal(2, h.S.WakeAll(9, WakeReason.Closed, out WakeReport report));
        Assert.Equal(b.Value, report.First.Value);
        Assert.Equal(WakeReason.Closed, h.Info(a).LastWake);
        Assert.Equal(Scheduler.Forever, h.Info(a).Deadline); // left the sleep heap too
        Assert.Equal(1, h.S.SleeperCount(0));
        Assert.Equal(0, h.S.WakeAll(9, WakeReason.Closed, out _));
        h.S.Tick(0, 3);
        Assert.Equal(WakeReason.TimedOut, h.Info(c).LastWake);
        Assert.False(h.S.WakeOne(8, out _)); // no longer waiting on its key
        Assert.Equal(ThreadState.Ready, h.Info(c).State);
        h.AssertValid();
    }

    [Fact]
    public unsafe void Records_and_run_queues_have_the_documented_sizes()
    {
        Assert.Equal(104, sizeof(ThreadRecord));
        Assert.Equal(304, sizeof(RunQueue));
    }
}
