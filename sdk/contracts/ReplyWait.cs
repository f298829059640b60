using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts
{
    /// <summary>What a blocking client does when its reply ring is empty: announce sleeping,
    /// then wait in the kernel, sending the server's wake-up (if the request's publish said it
    /// needs one) with the wait as one notify_wait, so the kernel switches straight to the server.
    /// Shared by the typed calls that block for their reply (<see cref="EchoCall"/>,
    /// <see cref="StoreCalls"/>).</summary>
    public static class ReplyWait
    {
        /// <summary>One step; the caller then polls its reply ring again. Returns 0, or the
        /// wait's negative errno (the server is gone, the process is stopping). A reply that
        /// arrived meanwhile means no wait: the wake-up, if still owed, goes out as a plain notify
        /// (a failure of that is left for the next wait to report, since the reply is there).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // part of every blocking call
        public static long Next(ClientEndpoint endpoint, ulong handle, ref bool wakeServer)
        {
            if (endpoint.PrepareToSleep() == RingStatus.Empty)
            {
                long waited = wakeServer ? SystemCall.NotifyWait(handle, handle) : SystemCall.Wait(handle);
                wakeServer = false;
                endpoint.ClearSleeping();
                return waited < 0 ? waited : 0;
            }

            endpoint.ClearSleeping();
            if (wakeServer)
            {
                wakeServer = false;
                SystemCall.Notify(handle);
            }

            return 0;
        }
    }
}
