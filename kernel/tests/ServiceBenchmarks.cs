using Microkernel.Arch;
using Microkernel.Process;

namespace Microkernel.Tests;

/// <summary>In-image services benchmark (<c>bench=services</c>): the services-bench
/// client times echo calls (the channel ping-pong baseline) and store gets in one boot;
/// this prints the TSC rate so the host can turn ticks into rates.</summary>
internal static class ServiceBenchmarks
{
    internal static void Run()
    {
        MemoryBenchmarks.Print("tsc_hz"u8, TimeStampCounter.Hz);
        int first = ServiceLauncher.SlotCount;
        int bench = ServiceLauncher.LoadByName("services-bench"u8);
        int echo = ServiceLauncher.LoadByName("echo-server"u8);
        int store = ServiceLauncher.LoadByName("store"u8);
        int klog = ServiceLauncher.LoadByName("klog"u8);
        if (bench < 0 || echo < 0 || store < 0 || klog < 0 || !ServiceLauncher.Connect(bench, echo)
            || !ServiceLauncher.Connect(bench, store) || !ServiceLauncher.Connect(bench, klog))
        {
            return;
        }

        ServiceLauncher.Start(echo);
        ServiceLauncher.Start(store);
        ServiceLauncher.Start(klog);
        ServiceLauncher.Start(bench);
        ServiceLauncher.WaitFor(bench);
        ServiceLauncher.Stop(store);
        ServiceLauncher.Stop(klog);
        ServiceLauncher.WaitForAll(first);
    }
}
