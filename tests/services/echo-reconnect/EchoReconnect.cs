using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.EchoReconnection;

/// <summary>Test service: a client that outlives its server. It makes 20 echo calls,
/// then sends the server's fault-injection value: that call must fail (EPIPE: the
/// server died with it in flight, the client does not hang). It then waits for the
/// supervisor to reconnect its handle (the start page entry's generation changes),
/// and makes 20 more calls to the restarted server, whose call count starts again at 1.
/// Exits with the number of checks passed (42 = all); logs the outcome.</summary>
internal static unsafe class EchoReconnect
{
    private const int CallsPerServer = 20;
    private const long FaultInjectionValue = 0xDEAD;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.TryFindChannel("echo-server"u8, out ChannelGrant channel) || channel.IsServer)
        {
            return -1;
        }

        EchoCalls<KernelWaiter> echo = ContractCalls.Echo(in channel);
        int passed = Calls(echo, 1);
        if (!echo.Echo(new EchoRequest { Value = FaultInjectionValue }, out _))
        {
            passed++; // failed, as it must
        }

        if (!WaitForReconnect(channel.Generation, out ChannelGrant fresh))
        {
            return passed;
        }

        passed++;
        // The rings behind the handle are new: so is the endpoint over them.
        passed += Calls(ContractCalls.Echo(in fresh), 1);
        SystemCall.Log(passed == 2 * CallsPerServer + 2
            ? "the server died mid-call, the call failed, the client reconnected"u8
            : "a check failed"u8);
        return passed;
    }

    /// <summary>Makes the calls; counts replies that double the value and number the
    /// calls from <paramref name="firstCall"/>.</summary>
    private static int Calls(EchoCalls<KernelWaiter> echo, uint firstCall)
    {
        int correct = 0;
        for (int i = 0; i < CallsPerServer; i++)
        {
            if (echo.Echo(new EchoRequest { Value = i + 1 }, out EchoReply reply) && reply.Doubled == 2L * (i + 1) && reply.Calls == firstCall + (uint)i)
            {
                correct++;
            }
        }
        return correct;
    }

    /// <summary>Polls the start page (sleeping between looks) until the entry for
    /// echo-server carries a newer generation; false after about two seconds.</summary>
    private static bool WaitForReconnect(uint generation, out ChannelGrant fresh)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            if (StartInfo.TryFindChannel("echo-server"u8, out fresh) && fresh.Generation != generation)
            {
                return true;
            }

            SystemCall.Sleep(10_000_000);
        }
        fresh = default;
        return false;
    }
}
