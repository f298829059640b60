using System.Runtime.InteropServices;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.EchoBenchmark;

/// <summary>The kernel benchmark's client side (test image, bench=kernel): times, in
/// TSC ticks read in ring 3, null system calls and typed echo calls to echo-server
/// over a channel (each call: encode, publish, wake, server decode/dispatch/encode,
/// wake, decode), and logs the medians as <c>bench: name=value</c> lines.</summary>
internal static unsafe class EchoBench
{
    private const int Runs = 256;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        ulong* samples = stackalloc ulong[Runs];
        for (int i = 0; i < Runs; i++)
        {
            ulong start = SystemCall.ReadTsc();
            SystemCall.Null();
            samples[i] = SystemCall.ReadTsc() - start;
        }
        BenchReport.Report("null_syscall_ticks"u8, BenchReport.Median(samples, Runs));

        if (!StartInfo.TryGetChannel(0, out ChannelGrant channel) || channel.IsServer)
        {
            return 1;
        }

        EchoCalls<KernelWaiter> echo = ContractCalls.Echo(in channel);
        for (int i = 0; i < Runs + 16; i++)
        {
            ulong start = SystemCall.ReadTsc();
            if (!echo.Echo(new EchoRequest { Value = i }, out _))
            {
                return 2;
            }

            ulong elapsed = SystemCall.ReadTsc() - start;
            if (i >= 16)
            {
                samples[i - 16] = elapsed; // the first calls warm the caches
            }
        }
        BenchReport.Report("call_reply_ticks"u8, BenchReport.Median(samples, Runs));
        return 0;
    }
}
