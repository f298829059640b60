using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;
using System.Runtime.InteropServices;

namespace Microkernel.Services.Echo
{
    /// <summary>Serves IEcho on the first server channel it was granted until its client goes away.</summary>
    internal sealed unsafe class EchoServer : IEcho
    {
        private uint _calls;

        /// <summary>The request value that makes the server fault (a null dereference) on
        /// purpose: the restart tests use it to kill a server with calls in flight.</summary>
        internal const long FaultInjectionValue = 0xDEAD;

        public EchoReply Echo(in EchoRequest request)
        {
            if (request.Value == FaultInjectionValue) FaultOnPurpose(null);
            _calls++;
            return new EchoReply { Doubled = request.Value * 2, Calls = _calls };
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void FaultOnPurpose(int* nowhere) => *nowhere = 1;

        /// <summary>The first channel whose server end this service holds: its client's (the
        /// others, such as the one to klog, are this service's own client ends).</summary>
        private static bool TryFindClientChannel(out ChannelGrant channel)
        {
            for (int i = 0; i < StartInfo.ChannelCount; i++)
            {
                if (StartInfo.TryGetChannel(i, out channel) && channel.IsServer) return true;
            }
            channel = default;
            return false;
        }

        [UnmanagedCallersOnly(EntryPoint = "service_main")]
        private static int Main()
        {
            if (!TryFindClientChannel(out ChannelGrant channel)) return 1;
            ulong handle = channel.Handle;
            EchoServer handler = new EchoServer();
            ServerEndpoint server = new ServerEndpoint(ChannelRings.IncomingRequests(in channel),
                ChannelRings.OutgoingReplies(in channel), new EchoDispatcher(handler), 256, 256);
            ServiceLog.Info("serving"u8);
            bool wakeClient = false;
            while (true)
            {
                ServeStatus status = server.TryServe(64, out int served);
                wakeClient |= server.WakeNeeded;
                if (status != ServeStatus.Ok && status != ServeStatus.Idle) return 2;
                if (served > 0) continue;
                // Empty: announce sleeping, look once more, then block in the kernel; a
                // pending wake-up for the client goes with the wait (notify_wait, which
                // switches straight to a waiting client).
                if (server.PrepareToSleep() == RingStatus.Empty)
                {
                    long waited = wakeClient ? SystemCall.NotifyWait(handle, handle) : SystemCall.Wait(handle);
                    wakeClient = false;
                    server.ClearSleeping();
                    if (waited < 0) break; // the client is gone (EPIPE)
                }
                else
                {
                    server.ClearSleeping();
                    if (wakeClient) { SystemCall.Notify(handle); wakeClient = false; }
                }
            }
            ServiceLog.Info("client gone, exiting"u8);
            return (int)handler._calls;
        }
    }
}
