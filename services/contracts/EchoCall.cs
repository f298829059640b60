using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts
{
    /// <summary>One blocking IEcho call over a kernel channel, as every echo client makes
    /// it: send, wake the server if it sleeps, wait for the reply (sleeping in the kernel
    /// only when the reply ring is empty).</summary>
    public static class EchoCall
    {
        /// <summary>False when the request cannot be sent, the reply does not match, or
        /// the server is gone (wait returned EPIPE).</summary>
        public static bool TryCall(EchoClient client, ulong handle, long value, out EchoReply reply)
        {
            reply = default;
            if (client.TrySendEcho(new EchoRequest { Value = value }, out uint requestId) != CallStatus.Ok) return false;
            if (client.Endpoint.Flush()) SystemCall.Notify(handle);
            while (true)
            {
                CallStatus status = client.Endpoint.TryReceive(out ReplyMessage message);
                if (status == CallStatus.Ok)
                    return message.RequestId == requestId && EchoClient.TryDecodeEchoReply(in message, out reply);
                if (status != CallStatus.NoReply) return false;
                if (client.Endpoint.PrepareToSleep() == RingStatus.Empty)
                {
                    long waited = SystemCall.Wait(handle);
                    client.Endpoint.ClearSleeping();
                    if (waited < 0) return false;
                }
                else
                {
                    client.Endpoint.ClearSleeping();
                }
            }
        }
    }
}
