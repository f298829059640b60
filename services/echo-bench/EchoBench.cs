using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;
using System.Runtime.InteropServices;

namespace Microkernel.Services.EchoBenchmark
{
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
            Report("null_syscall_ticks"u8, Median(samples, Runs));

            if (!StartInfo.TryGetChannel(0, out ChannelGrant channel) || channel.IsServer) return 1;
            ulong handle = channel.Handle;
            EchoClient client = new EchoClient(ChannelRings.Requests(in channel), ChannelRings.Replies(in channel), 256, 8);
            for (int i = 0; i < Runs + 16; i++)
            {
                ulong start = SystemCall.ReadTsc();
                if (!EchoCall.TryCall(client, handle, i, out _)) return 2;
                ulong elapsed = SystemCall.ReadTsc() - start;
                if (i >= 16) samples[i - 16] = elapsed; // the first calls warm the caches
            }
            Report("call_reply_ticks"u8, Median(samples, Runs));
            return 0;
        }

        private static ulong Median(ulong* values, int count)
        {
            for (int i = 1; i < count; i++)
            {
                ulong v = values[i];
                int j = i - 1;
                while (j >= 0 && values[j] > v) { values[j + 1] = values[j]; j--; }
                values[j + 1] = v;
            }
            return values[count / 2];
        }

        private static void Report(System.ReadOnlySpan<byte> name, ulong value)
        {
            System.Span<byte> line = stackalloc byte[80];
            "bench: "u8.CopyTo(line);
            int n = 7;
            name.CopyTo(line.Slice(n));
            n += name.Length;
            line[n++] = (byte)'=';
            n += Microkernel.Text.IntegerFormatter.FormatDecimal(value, line.Slice(n));
            SystemCall.Log(line.Slice(0, n));
        }
    }
}
