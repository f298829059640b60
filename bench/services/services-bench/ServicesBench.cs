using System.Runtime.InteropServices;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Benchmarks;

/// <summary>The services benchmark's client (test image, bench=services): in one boot,
/// times typed echo calls to echo-server (the channel ping-pong baseline) and store
/// gets of a stored entry, each as a median of TSC ticks read in ring 3, and logs them
/// as <c>bench: name=value</c> lines for bench/ImageBench.</summary>
internal static unsafe class ServicesBench
{
    private const int Runs = 256, Warmup = 16;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        ulong* samples = stackalloc ulong[Runs];
        if (!StartInfo.TryFindChannel("echo-server"u8, out ChannelGrant echoChannel))
        {
            return 1;
        }

        if (!StartInfo.TryFindChannel("store"u8, out ChannelGrant storeChannel))
        {
            return 2;
        }

        EchoCalls<KernelWaiter> echo = ContractCalls.Echo(in echoChannel);
        for (int i = 0; i < Runs + Warmup; i++)
        {
            ulong start = SystemCall.ReadTsc();
            if (!echo.Echo(new EchoRequest { Value = i }, out _))
            {
                return 3;
            }

            ulong elapsed = SystemCall.ReadTsc() - start;
            if (i >= Warmup)
            {
                samples[i - Warmup] = elapsed;
            }
        }
        BenchReport.Report("echo_call_ticks"u8, BenchReport.Median(samples, Runs));

        StoreCalls<KernelWaiter> store = ContractCalls.Store(in storeChannel);
        for (int i = 0; i < Runs + Warmup; i++)
        {
            ulong start = SystemCall.ReadTsc();
            if (!store.Get(new StoreNameRequest { Name = "store/self/version"u8 }, out StoreGetReply version) || version.Status != StoreStatus.Ok)
            {
                return 4;
            }

            ulong elapsed = SystemCall.ReadTsc() - start;
            if (i >= Warmup)
            {
                samples[i - Warmup] = elapsed;
            }
        }
        BenchReport.Report("store_get_ticks"u8, BenchReport.Median(samples, Runs));

        // klog end to end: a record written, accepted and queued for export (the reply
        // confirms it was kept); and a window of 32 in flight, per record.
        if (!StartInfo.TryFindChannel("klog"u8, out ChannelGrant klogChannel))
        {
            return 5;
        }

        var klog = new KlogWindow(in klogChannel);
        for (int i = 0; i < Runs + Warmup; i++)
        {
            ulong start = SystemCall.ReadTsc();
            if (klog.Write(KlogLevel.Info, "bench"u8, "a benchmark record of typical length"u8, (ulong)i) != KlogStatus.Ok)
            {
                return 6;
            }

            ulong elapsed = SystemCall.ReadTsc() - start;
            if (i >= Warmup)
            {
                samples[i - Warmup] = elapsed;
            }
        }
        BenchReport.Report("klog_write_ticks"u8, BenchReport.Median(samples, Runs));
        ulong batchStart = SystemCall.ReadTsc();
        for (int i = 0; i < 1024; i++)
        {
            if (!klog.Post(KlogLevel.Info, "bench"u8, "a benchmark record of typical length"u8, (ulong)(Runs + Warmup + i)))
            {
                return 7;
            }
        }

        if (!klog.Flush())
        {
            return 8;
        }

        BenchReport.Report("klog_posted_record_ticks"u8, (SystemCall.ReadTsc() - batchStart) / 1024);
        return 0;
    }
}
