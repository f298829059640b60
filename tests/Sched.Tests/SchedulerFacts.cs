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
        var a = h.Spawn(1);
        var b = h.Spawn(1);
        var c = h.Spawn(1);
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
}
