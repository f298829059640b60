using System.Runtime.InteropServices;
using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Flooder;

/// <summary>Writes requests into its channel until the ring refuses, never reading
/// replies, and calls notify 100,000 times; exits with the number of requests the
/// ring accepted (Full stops it, nothing else may).</summary>
internal static unsafe class FlooderService
{
    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.TryGetChannel(0, out ChannelGrant channel) || channel.IsServer)
        {
            return -1;
        }

        ulong handle = channel.Handle;
        var requests = new SpscProducer(channel.RequestRing, channel.RingBytes);
        System.Span<byte> garbage = stackalloc byte[200];
        for (int i = 0; i < garbage.Length; i++)
        {
            garbage[i] = (byte)(i * 37);
        }

        int accepted = 0;
        while (requests.TryWrite(garbage) == RingStatus.Ok)
        {
            accepted++;
        }

        requests.PublishAndCheckSleeping();
        for (int i = 0; i < 100_000; i++)
        {
            SystemCall.Notify(handle);
        }

        SystemCall.Log("ring full, notify hammered, exiting"u8);
        return accepted;
    }
}
