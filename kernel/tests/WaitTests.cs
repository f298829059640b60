using Microkernel.Channels;
using Microkernel.Scheduling;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>Wait objects: each has a key of its own, counts its waiters, keeps a signal that
/// came first; a channel end's notify wakes exactly one waiter (on the end, else on its
/// holder's set), never both.</summary>
internal static unsafe class WaitTests
{
    private static WaitObject? s_waitedOn;
    private static int s_resumed;

    internal static void Register()
    {
        TestRegistry.Add("sched/wait-object-keys-and-pending", &KeysAndPending);
        TestRegistry.Add("ipc/channel-end-wakes-one-waiter", &EndWakesOneWaiter);
    }

    private static void WaitOn(ulong unused)
    {
        s_waitedOn!.Wait(ulong.MaxValue);
        s_resumed++;
    }

    private static ThreadId StartWaiter(WaitObject on)
    {
        s_waitedOn = on;
        ThreadId thread = Threads.Create(&WaitOn, 0, 10);
        Threads.Start(thread);
        Threads.RunReadyThreads();
        return thread;
    }

    private static void KeysAndPending(ref TestResult t)
    {
        WaitObject a = new WaitObject(), b = new WaitObject();
        True(ref t, a.Key != b.Key, "every wait object has a key of its own"u8);
        False(ref t, a.TryTake(), "nothing pending at first"u8);
        a.Post();
        True(ref t, a.IsPending && !b.IsPending, "a post marks only its object"u8);
        True(ref t, a.TryTake() && !a.TryTake(), "taken once"u8);
        False(ref t, a.HasWaiters || b.HasWaiters, "nobody waits"u8);
        False(ref t, a.WakeOne(), "so a wake finds nobody"u8);
    }

    private static void EndWakesOneWaiter(ref TestResult t)
    {
        var holder = new WaitSet();
        var end = new ChannelEnd { Holder = holder };
        s_resumed = 0;
        ThreadId onEnd = StartWaiter(end);
        ThreadId onSet = StartWaiter(holder);
        Equal(ref t, (long)ThreadState.Blocked, (long)Threads.StateOf(onEnd), "the end's waiter blocks"u8);
        True(ref t, end.HasWaiters && holder.HasWaiters, "one waiter on the end, one on its holder's set"u8);
        True(ref t, end.Key != holder.Key, "on keys of their own"u8);

        True(ref t, end.Signal() == holder, "a signal names the holder's set"u8);
        True(ref t, end.IsPending && holder.IsPending, "and marks both"u8);
        end.WakeWaiter();
        Threads.RunReadyThreads();
        Equal(ref t, 1L, (long)s_resumed, "one wake-up, not two"u8);
        Equal(ref t, (long)ThreadState.Blocked, (long)Threads.StateOf(onSet), "the set's waiter still waits"u8);
        False(ref t, end.HasWaiters, "the end's waiter was the one"u8);

        end.WakeWaiter();
        Threads.RunReadyThreads();
        Equal(ref t, 2L, (long)s_resumed, "with nobody on the end, the set's waiter wakes"u8);
        False(ref t, holder.HasWaiters, "nobody left waiting"u8);
        Equal(ref t, (long)ThreadState.Exited, (long)Threads.StateOf(onEnd), "both threads ended"u8);
    }
}
