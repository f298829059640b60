using Microkernel.Arch;
using Microkernel.Process;
using Microkernel.Scheduling;

namespace Microkernel.Tests;

/// <summary>In-image kernel benchmarks (<c>bench=kernel</c>): a context switch between
/// two kernel threads, measured here; a null system call and a same-core typed
/// call/reply over a channel, measured in ring 3 by the echo-bench service against
/// echo-server. Each figure is a median in TSC ticks (instructions under
/// <c>-icount shift=0</c>), printed as <c>bench:</c> lines.</summary>
internal static unsafe class KernelBenchmarks
{
    private const int Rounds = 512;

    private static void PingPong(ulong rounds)
    {
        for (ulong i = 0; i < rounds; i++)
        {
            Threads.Yield();
        }
    }

    internal static void Run()
    {
        // Two threads yielding to each other: each Yield is one switch. The idle thread
        // (this one) gets the CPU back when both have done their rounds and exited.
        ulong switchesBefore = Threads.Switches;
        Threads.Start(Threads.Create(&PingPong, Rounds, 10));
        Threads.Start(Threads.Create(&PingPong, Rounds, 10));
        ulong start = Cpu.ReadTsc();
        Threads.RunReadyThreads();
        ulong elapsed = Cpu.ReadTsc() - start;
        ulong switches = Threads.Switches - switchesBefore;
        MemoryBenchmarks.Print("context_switch_ticks"u8, switches == 0 ? 0 : elapsed / switches);

        int first = ServiceLauncher.SlotCount;
        int client = ServiceLauncher.LoadByName("echo-bench"u8);
        int server = ServiceLauncher.LoadByName("echo-server"u8);
        if (client < 0 || server < 0 || !ServiceLauncher.Connect(client, server))
        {
            return;
        }

        ServiceLauncher.Start(server);
        ServiceLauncher.Start(client);
        ServiceLauncher.WaitForAll(first);
    }
}
