using Microkernel.Arch;
using Microkernel.Process;
using Microkernel.Scheduling;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>The supervisor and the system calls only it may make.</summary>
internal static unsafe class SupervisorTests
{
    /// <summary>Checks the prober makes as an ordinary service and as a supervisor.</summary>
    private const int ProberChecksAsService = 41, ProberChecksAsSupervisor = 52;

    internal static void Register()
    {
        TestRegistry.Add("proc/every-syscall-refuses-bad-arguments", &BadArguments);
        TestRegistry.Add("proc/supervisor-runs-the-manifest-and-reconnects-clients", &SupervisorRun);
    }

    private static void BadArguments(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int service = ServiceLauncher.LoadByName("prober"u8);
        int supervisor = ServiceLauncher.LoadByName("prober"u8, asSupervisor: true);
        if (service < 0 || supervisor < 0) { True(ref t, false, "the prober loads"u8); return; }
        ServiceLauncher.Start(service);
        ServiceLauncher.Start(supervisor);
        ServiceLauncher.WaitForAll(first);
        Equal(ref t, ProberChecksAsService, ServiceLauncher.StatusOf(service), "as a service: every call gave its errno, supervisor calls EPERM"u8);
        Equal(ref t, ProberChecksAsSupervisor, ServiceLauncher.StatusOf(supervisor), "as the supervisor: every argument checked"u8);
    }

    /// <summary>The test image's manifest (images/test.yaml): echo-server with
    /// echo-reconnect as its client, crasher, hello. The server is killed mid-call.</summary>
    /// <summary>Every run the scenario makes has ended (a crasher in its back-off is not
    /// running, so counting live processes would end the wait too early).</summary>
    private static bool AllEnded(int serverStarts, int crasherStarts) =>
        ServiceRecords.ExitsOf("crasher"u8) == crasherStarts + 4 && ServiceRecords.ExitsOf("echo-server"u8) == serverStarts + 2
        && Ended("echo-reconnect"u8) && Ended("hello"u8) && Processes.LiveCount() == 1;

    private static bool Ended(System.ReadOnlySpan<byte> name) =>
        ServiceRecords.StartsOf(name) > 0 && ServiceRecords.ExitsOf(name) == ServiceRecords.StartsOf(name);

    private static void SupervisorRun(ref TestResult t)
    {
        // Earlier cases started some of these services too: count from here.
        int serverStarts = ServiceRecords.StartsOf("echo-server"u8), crasherStarts = ServiceRecords.StartsOf("crasher"u8);
        True(ref t, SupervisorLaunch.Start(), "the supervisor starts with the image's manifest"u8);
        ulong deadline = Cpu.ReadTsc() + 30 * TimeStampCounter.Hz;
        ServiceProcess? supervisor = SupervisorLaunch.Process;
        while (supervisor != null && !AllEnded(serverStarts, crasherStarts) && Cpu.ReadTsc() < deadline)
        {
            Threads.RunReadyThreads();
            Cpu.EnableInterruptsAndHalt();
        }
        True(ref t, Processes.LiveCount() == 1, "every service ended; the supervisor stays"u8);
        // What the shutdown's term entry does: the supervisor stops (nothing left) and ends.
        Equal(ref t, 0, SupervisorLaunch.StopServices(), "the supervisor stopped within its deadline"u8);
        True(ref t, supervisor != null && supervisor.Reaped, "and was reaped"u8);
        Equal(ref t, 0, ServiceRecords.LastStatusOf("supervisor"u8), "and exited cleanly"u8);
        Equal(ref t, 42, ServiceRecords.LastStatusOf("echo-reconnect"u8), "the client's in-flight call failed, then it reconnected and all its checks passed"u8);
        Equal(ref t, serverStarts + 2, ServiceRecords.StartsOf("echo-server"u8), "the faulted server was restarted once"u8);
        Equal(ref t, 20, ServiceRecords.LastStatusOf("echo-server"u8), "the new server answered the reconnected client's 20 calls"u8);
        Equal(ref t, crasherStarts + 4, ServiceRecords.StartsOf("crasher"u8), "crasher: three failures, three restarts"u8);
        Equal(ref t, 3, ServiceRecords.LastStatusOf("crasher"u8), "its fourth run succeeded"u8);
        Equal(ref t, 58, ServiceRecords.LastStatusOf("hello"u8), "hello ran alongside"u8);
    }
}
