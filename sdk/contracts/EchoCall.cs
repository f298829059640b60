using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts
{
    /// <summary>One blocking IEcho call over a kernel channel, as every echo client makes
    /// it: send, then (if the reply ring is empty) wake the server and wait for the reply
    /// in one notify_wait, which on one CPU switches straight to the server.</summary>
    public static class EchoCall
    {
        /// <summary>False when the request cannot be sent, the reply does not match, or
        /// the server is gone (wait returned EPIPE).</summary>
        public static bool TryCall(EchoClient client, ulong handle, long value, out EchoReply reply)
        {
            reply = default;
            if (client.TrySendEcho(new EchoRequest { Value = value }, out uint requestId) != CallStatus.Ok) return false;
            bool wakeServer = client.Endpoint.Flush();
            while (true)
            {
                CallStatus status = client.Endpoint.TryReceive(out ReplyMessage message);
                if (status == CallStatus.Ok)
                    return message.RequestId == requestId && EchoClient.TryDecodeEchoReply(in message, out reply);
                if (status != CallStatus.NoReply) return false;
                if (ReplyWait.Next(client.Endpoint, handle, ref wakeServer) < 0) return false;
            }
        }
    }
}
