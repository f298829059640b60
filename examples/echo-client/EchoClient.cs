using System.Runtime.InteropServices;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.EchoCalls;

/// <summary>Calls IEcho 100 times over its channel, checks every reply, exits with
/// the number of correct replies.</summary>
internal static unsafe class EchoCaller
{
    private const int Calls = 100;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.TryFindChannel("echo-server"u8, out ChannelGrant channel) || channel.IsServer)
        {
            return -1;
        }

        EchoCalls<KernelWaiter> echo = ContractCalls.Echo(in channel);
        int correct = 0;
        for (int i = 1; i <= Calls; i++)
        {
            if (echo.Echo(new EchoRequest { Value = i }, out EchoReply reply) && reply.Doubled == 2L * i && reply.Calls == (uint)i)
            {
                correct++;
            }
        }
        ServiceLog.Info(correct == Calls ? "100 calls answered correctly"u8 : "wrong replies"u8);
        return correct;
    }
}
