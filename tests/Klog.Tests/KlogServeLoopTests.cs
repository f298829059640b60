using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Microkernel.Ipc;
using Microkernel.Ipc.Tests;
using Microkernel.Services.Contracts;
using Microkernel.Services.Klog;
using Xunit;

namespace Microkernel.Klog.Tests;

/// <summary>klog's serve loop as the service runs it, on the host: the generated
/// KlogServedChannels on its own thread with klog's 10 ms wait and its immediate wake-ups
/// (deferLastWake: false), one KlogSession per entry over real rings, writers on their own
/// threads with the generated KlogCalls; a writer that leaves is found by ProbeClients.</summary>
public sealed unsafe class KlogServeLoopTests : IDisposable
{
    private const int CoreBytes = 64 * 1024;
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);
    private readonly HostKernel _kernel = new();
    private readonly HostProcess _klogProcess = new();
    private readonly List<HostDirectory.Entry?> _entries = new();
    private readonly List<NativeRegion> _regions = new();
    private readonly byte* _storage = (byte*)NativeMemory.AllocZeroed(CoreBytes);

    public void Dispose()
    {
        foreach (NativeRegion region in _regions)
        {
            region.Dispose();
        }

        NativeMemory.Free(_storage);
    }

    private KlogCalls<HostWaiter> Connect(int index)
    {
        NativeRegion requests = new(4096), replies = new(4096);
        _regions.Add(requests);
        _regions.Add(replies);
        HostProcess writer = new();
        (ulong clientHandle, ulong serverHandle) = _kernel.Open(writer, _klogProcess);
        while (_entries.Count <= index)
        {
            _entries.Add(null);
        }

        _entries[index] = new HostDirectory.Entry(serverHandle, 1, requests, replies);
        return new KlogCalls<HostWaiter>(new KlogClient(requests.Producer(), replies.Consumer(), 600, 1), clientHandle, new HostWaiter(_kernel, writer));
    }

    [Fact]
    public void WritersAreAnsweredByTheTimedLoopAndAGoneWriterIsProbedAway()
    {
        KlogCore core = new(_storage, CoreBytes);
        Sessions sessions = new(core);
        KlogServedChannels<HostWaiter> served = new(sessions, new HostWaiter(_kernel, _klogProcess), 4, 600, 64);
        KlogCalls<HostWaiter> first = Connect(1), second = Connect(3);
        HostDirectory directory = new(_entries);
        served.Refresh(ref directory);
        int timeouts = 0;
        Thread loop = new(() =>
        {
            while (served.Connected > 0)
            {
                core.NowNs++;
                if (served.ServeAll(64, deferLastWake: false, out _))
                {
                    continue;
                }

                served.ProbeClients();
                long woke = served.SleepUntilWork(10_000_000);
                if (woke == -HostKernel.ETIMEDOUT)
                {
                    timeouts++;
                }
                else if (woke < 0)
                {
                    return;
                }
            }
        })
        { IsBackground = true };
        loop.Start();

        var writers = new Thread[2];
        bool[] allKept = new bool[2];
        KlogCalls<HostWaiter>[] calls = { first, second };
        for (int w = 0; w < 2; w++)
        {
            int which = w;
            writers[w] = new Thread(() =>
            {
                bool kept = true;
                for (ulong sequence = 1; sequence <= 300; sequence++)
                {
                    KlogWriteRequest request = new() { Level = KlogLevel.Info, Text = Encoding.UTF8.GetBytes("record " + sequence), Sequence = sequence };
                    kept &= calls[which].Write(in request, out KlogWriteReply reply) && reply.Status == KlogStatus.Ok;
                }

                allKept[which] = kept;
            })
            { IsBackground = true };
            writers[w].Start();
        }

        foreach (Thread writer in writers)
        {
            Assert.True(writer.Join(s_patience));
        }

        Assert.Equal(new[] { true, true }, allKept);
        Assert.Equal(600UL, core.Totals(kernel: false).Received);
        Assert.Equal(0UL, core.OrderViolations);

        // Idle: the 10 ms wait times out and the loop goes on; a writer that leaves is found.
        Thread.Sleep(50);
        _kernel.Close(first.Channel);
        _kernel.Close(second.Channel);
        Assert.True(loop.Join(s_patience));
        Assert.True(timeouts > 0);
        Assert.Equal(2, served.Left);
        Assert.Equal(new[] { 1, 3 }, sessions.Peers);
    }

    /// <summary>What KlogService does: a session per entry, named after its peer.</summary>
    private sealed class Sessions : IKlogHandlers
    {
        private readonly KlogCore _core;

        public Sessions(KlogCore core)
        {
            _core = core;
        }

        public List<int> Peers { get; } = new();

        public IKlog HandlerFor(int index)
        {
            Peers.Add(index);
            KlogSession session = new(_core);
            session.SetPeer(Encoding.UTF8.GetBytes("writer-" + index));
            return session;
        }

        public void Dropped(int index)
        {
        }
    }
}
