using Microkernel.Process;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>The store service and its test client over a kernel channel.</summary>
internal static unsafe class StoreTests
{
    /// <summary>Checks services/store-client makes; it returns this many when all pass.</summary>
    private const int StoreClientChecks = 44;

    internal static void Register()
    {
        TestRegistry.Add("proc/store-serves-a-client", &StoreServesAClient);
    }

    private static void StoreServesAClient(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int client = ServiceLauncher.LoadByName("store-client"u8);
        int store = ServiceLauncher.LoadByName("store"u8);
        True(ref t, client >= 0 && store >= 0, "both services load"u8);
        if (client < 0 || store < 0)
        {
            return;
        }

        True(ref t, ServiceLauncher.Connect(client, store), "a channel from the client to the store"u8);
        True(ref t, ServiceLauncher.Start(store) && ServiceLauncher.Start(client), "both started"u8);
        ulong deadline = Arch.Cpu.ReadTsc() + 20 * Arch.TimeStampCounter.Hz;
        ServiceLauncher.WaitFor(client);
        Equal(ref t, StoreClientChecks, ServiceLauncher.StatusOf(client), "every store-client check passed (negative: the first that failed)"u8);
        // The store serves until it is asked to stop, as at shutdown.
        ServiceLauncher.Stop(store);
        ServiceLauncher.WaitForAll(first);
        True(ref t, Arch.Cpu.ReadTsc() < deadline, "both ended within 20 s"u8);
        Equal(ref t, 1, ServiceLauncher.StatusOf(store), "the store stopped when asked, having seen its one client leave"u8);
    }
}
