using System;
using System.Runtime.InteropServices;
using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.Services.Klog;

namespace Microkernel.Klog.Tests;

/// <summary>A klog session over a real pair of rings, as in the image: a core with an 8 KiB
/// ring, the session's server end and a client's end, freed on dispose.</summary>
internal sealed unsafe class SessionChannel : IDisposable
{
    private const int RingCapacity = 4096, CoreBytes = 8192;
    private readonly byte* _storage, _requests, _replies;

    public SessionChannel(KlogConsoleMirror? mirror = null)
    {
        int ringBytes = SpscRing.RequiredBytes(RingCapacity);
        _storage = (byte*)NativeMemory.AllocZeroed(CoreBytes);
        _requests = (byte*)NativeMemory.AllocZeroed((nuint)ringBytes);
        _replies = (byte*)NativeMemory.AllocZeroed((nuint)ringBytes);
        SpscRing.Initialize(_requests, ringBytes, 0);
        SpscRing.Initialize(_replies, ringBytes, 0);
        Core = new KlogCore(_storage, CoreBytes);
        Session = new KlogSession(Core, mirror);
        Server = new ServerEndpoint(new SpscConsumer(_requests, ringBytes), new SpscProducer(_replies, ringBytes), new KlogDispatcher(Session), 600, 64);
        Client = new KlogClient(new SpscProducer(_requests, ringBytes), new SpscConsumer(_replies, ringBytes), 600, 8);
    }

    public KlogCore Core { get; }
    public KlogSession Session { get; }
    public ServerEndpoint Server { get; }
    public KlogClient Client { get; }

    public void Dispose()
    {
        NativeMemory.Free(_storage);
        NativeMemory.Free(_requests);
        NativeMemory.Free(_replies);
    }
}
