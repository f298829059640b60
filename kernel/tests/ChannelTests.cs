using Microkernel.Process;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>Services talking over kernel channels, and what happens when a peer is gone.</summary>
internal static unsafe class ChannelTests
{
    internal static void Register()
    {
        TestRegistry.Add("ipc/echo-services-over-a-channel", &EchoPair);
        TestRegistry.Add("ipc/dead-peer-ends-waits-with-epipe", &DeadPeer);
        TestRegistry.Add("proc/faulting-service-restarted-while-others-run", &RestartWhileOthersRun);
        TestRegistry.Add("ipc/flooded-channel-contained", &Flood);
    }

    private static void EchoPair(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int client = ServiceLauncher.LoadByName("echo-client"u8);
        int server = ServiceLauncher.LoadByName("echo-server"u8);
        True(ref t, client >= 0 && server >= 0, "both services load"u8);
        if (client < 0 || server < 0)
        {
            return;
        }

        ulong anonymous = Memory.PhysicalMemory.FramesFor(Memory.FramePurpose.Anonymous);
        True(ref t, ServiceLauncher.Connect(client, server), "a channel between them"u8);
        True(ref t, ServiceLauncher.Start(server) && ServiceLauncher.Start(client), "both started"u8);
        ServiceLauncher.WaitForAll(first);
        Equal(ref t, 100, ServiceLauncher.StatusOf(client), "the client got 100 correct replies"u8);
        Equal(ref t, 100, ServiceLauncher.StatusOf(server), "the server answered 100 calls, then saw its client go"u8);
        True(ref t, Memory.PhysicalMemory.FramesFor(Memory.FramePurpose.Anonymous) <= anonymous, "their memory and the channel's pages came back"u8);
    }

    private static void RestartWhileOthersRun(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int crasher = ServiceLauncher.LoadByName("crasher"u8);
        int client = ServiceLauncher.LoadByName("echo-client"u8);
        int server = ServiceLauncher.LoadByName("echo-server"u8);
        True(ref t, crasher >= 0 && client >= 0 && server >= 0, "three services load"u8);
        if (crasher < 0 || client < 0 || server < 0)
        {
            return;
        }

        ServiceLauncher.Connect(client, server);
        ServiceLauncher.Start(crasher);
        ServiceLauncher.Start(server);
        ServiceLauncher.Start(client);
        ServiceLauncher.WaitForAll(first);
        Equal(ref t, 3, ServiceLauncher.RestartsOf(crasher), "restarted after a page fault, a divide error and a throw"u8);
        Equal(ref t, 3, ServiceLauncher.StatusOf(crasher), "its fourth run succeeded"u8);
        Equal(ref t, 100, ServiceLauncher.StatusOf(client), "the echo pair kept working meanwhile"u8);
        Equal(ref t, 0, ServiceLauncher.RestartsOf(client), "and was never restarted"u8);
    }

    private static void Flood(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int flooder = ServiceLauncher.LoadByName("flooder"u8);
        int server = ServiceLauncher.LoadByName("echo-server"u8);
        int client = ServiceLauncher.LoadByName("echo-client"u8);
        int peer = ServiceLauncher.LoadByName("echo-server"u8);
        True(ref t, flooder >= 0 && server >= 0 && client >= 0 && peer >= 0, "services load"u8);
        if (flooder < 0 || server < 0 || client < 0 || peer < 0)
        {
            return;
        }

        ServiceLauncher.Connect(flooder, server);
        ServiceLauncher.Connect(client, peer);
        ServiceLauncher.Start(server);
        ServiceLauncher.Start(peer);
        ServiceLauncher.Start(flooder);
        ServiceLauncher.Start(client);
        ServiceLauncher.WaitForAll(first);
        True(ref t, ServiceLauncher.StatusOf(flooder) > 10, "the flooder filled its ring and stopped at Full"u8);
        Equal(ref t, 0, ServiceLauncher.StatusOf(server), "its server answered none of the garbage and ended when the flooder went"u8);
        Equal(ref t, 100, ServiceLauncher.StatusOf(client), "another pair kept working meanwhile"u8);
    }

    private static void DeadPeer(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int client = ServiceLauncher.LoadByName("echo-client"u8);
        if (client < 0) { True(ref t, false, "echo-client loads"u8); return; }
        True(ref t, ServiceLauncher.ConnectToClosed(client), "a channel whose server is gone"u8);
        ulong deadline = Arch.Cpu.ReadTsc() + 5 * Arch.TimeStampCounter.Hz;
        ServiceLauncher.Start(client);
        ServiceLauncher.WaitForAll(first);
        True(ref t, Arch.Cpu.ReadTsc() < deadline, "the client did not hang"u8);
        Equal(ref t, 0, ServiceLauncher.StatusOf(client), "every call failed cleanly (EPIPE), none succeeded"u8);
    }
}
