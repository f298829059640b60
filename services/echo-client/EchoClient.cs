using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;
using System.Runtime.InteropServices;

namespace Microkernel.Services.EchoCalls
{
    /// <summary>Calls IEcho 100 times over its channel, checks every reply, exits with
    /// the number of correct replies.</summary>
    internal static unsafe class EchoCaller
    {
        private const int Calls = 100;

        [UnmanagedCallersOnly(EntryPoint = "service_main")]
        private static int Main()
        {
            ulong handle = StartupArguments.ChannelHandle;
            if (handle == 0 || StartupArguments.ChannelSide != 0) return -1;
            byte* region = (byte*)StartupArguments.ChannelAddress;
            int ringBytes = SpscRing.RequiredBytes(8192);
            int replyOffset = (ringBytes + 4095) & ~4095;
            Caller client = new Caller(new Contracts.EchoClient(new SpscProducer(region, ringBytes),
                new SpscConsumer(region + replyOffset, ringBytes), 256, 8), handle);
            int correct = 0;
            for (int i = 1; i <= Calls; i++)
            {
                if (client.Call(i, out EchoReply reply) && reply.Doubled == 2L * i && reply.Calls == (uint)i) correct++;
            }
            SystemCall.Log(correct == Calls ? "echo-client: 100 calls answered correctly"u8 : "echo-client: wrong replies"u8);
            return correct;
        }

        /// <summary>One call at a time: send, wake the server if it sleeps, wait for the reply.</summary>
        private sealed class Caller
        {
            private readonly Contracts.EchoClient _proxy;
            private readonly ulong _handle;

            internal Caller(Contracts.EchoClient proxy, ulong handle)
            {
                _proxy = proxy;
                _handle = handle;
            }

            internal bool Call(long value, out EchoReply reply)
            {
                reply = default;
                if (_proxy.TrySendEcho(new EchoRequest { Value = value }, out uint requestId) != CallStatus.Ok) return false;
                if (_proxy.Endpoint.Flush()) SystemCall.Notify(_handle);
                while (true)
                {
                    CallStatus status = _proxy.Endpoint.TryReceive(out ReplyMessage message);
                    if (status == CallStatus.Ok)
                        return message.RequestId == requestId && Contracts.EchoClient.TryDecodeEchoReply(in message, out reply);
                    if (status != CallStatus.NoReply) return false;
                    if (_proxy.Endpoint.PrepareToSleep() == RingStatus.Empty)
                    {
                        long waited = SystemCall.Wait(_handle);
                        _proxy.Endpoint.ClearSleeping();
                        if (waited < 0) return false;
                    }
                    else
                    {
                        _proxy.Endpoint.ClearSleeping();
                    }
                }
            }
        }
    }
}
