using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Echo;

/// <summary>Serves IEcho on the first server channel it was granted until its client goes away.</summary>
internal sealed unsafe class EchoServer : IEcho
{
    private uint _calls;

    /// <summary>The request value that makes the server fault (a null dereference) on
    /// purpose: the restart tests use it to kill a server with calls in flight.</summary>
    internal const long FaultInjectionValue = 0xDEAD;

    public EchoReply Echo(in EchoRequest request)
    {
        if (request.Value == FaultInjectionValue)
        {
            FaultOnPurpose(null);
        }

        _calls++;
        return new EchoReply { Doubled = request.Value * 2, Calls = _calls };
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void FaultOnPurpose(int* nowhere) => *nowhere = 1;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        var handler = new EchoServer();
        var channels = new EchoServedChannels<KernelWaiter>(new OneHandler(handler), default,
            StartInfoLayout.MaxEntries, ContractCalls.EchoMaxBody, ContractCalls.EchoMaxBody);
        StartPageDirectory directory = default;
        channels.Refresh(ref directory);
        // The first channel whose server end this service holds: its client's (the others,
        // such as the one to klog, are this service's own client ends).
        int index = 0;
        while (index < channels.Limit && !channels.IsServing(index))
        {
            index++;
        }

        if (index == channels.Limit)
        {
            return 1;
        }

        ServiceLog.Info("serving"u8);
        // Serve, sleep on this one channel (the pending wake-up for the client goes with the
        // wait: notify_wait, which switches straight to a waiting client), until the client
        // is gone (EPIPE) or the service is stopped; 0 means it corrupted its rings.
        if (channels.ServeOnly(index, 64) == 0)
        {
            return 2;
        }

        ServiceLog.Info("client gone, exiting"u8);
        return (int)handler._calls;
    }

    /// <summary>Every channel is answered by the one handler (there is one client).</summary>
    private sealed class OneHandler : IEchoHandlers
    {
        private readonly EchoServer _handler;

        internal OneHandler(EchoServer handler) { _handler = handler; }

        public IEcho HandlerFor(int index) => _handler;

        public void Dropped(int index) { }
    }
}
