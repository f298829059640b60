using System;
using System.Collections.Generic;
using System.Threading;

namespace Microkernel.Ipc.Tests;

/// <summary>
/// A host stand-in for the kernel's channel wait and notify, for testing generated calls and
/// serve loops with real threads: each channel has two ends, each end a handle (numbered across
/// the whole stand-in), a count of pending notifications and an owning process; a closed end
/// ends its peer's waits with <see cref="EPIPE"/>, and a process asked to stop gets
/// <see cref="ESHUTDOWN"/> from every wait. One lock and one condition keep it simple.
/// </summary>
internal sealed class HostKernel
{
    public const long EPIPE = 32, ESHUTDOWN = 108, ETIMEDOUT = 110, EBADF = 9;
    public const long PeerClosedFlag = 1L << 32;

    private readonly object _lock = new();
    private readonly List<End> _ends = new() { null! }; // handle 0 is never an end

    /// <summary>Opens a channel between <paramref name="client"/> and <paramref name="server"/>; returns both handles.</summary>
    public (ulong Client, ulong Server) Open(HostProcess client, HostProcess server)
    {
        lock (_lock)
        {
            End c = new(client), s = new(server);
            c.Peer = s;
            s.Peer = c;
            _ends.Add(c);
            _ends.Add(s);
            client.Ends.Add((ulong)(_ends.Count - 2));
            server.Ends.Add((ulong)(_ends.Count - 1));
            return ((ulong)(_ends.Count - 2), (ulong)(_ends.Count - 1));
        }
    }

    /// <summary>Closes an end, as the kernel does when its process ends: the peer's waits end.</summary>
    public void Close(ulong handle)
    {
        lock (_lock)
        {
            _ends[(int)handle].Closed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Asks <paramref name="process"/> to stop: its waits return ESHUTDOWN.</summary>
    public void Stop(HostProcess process)
    {
        lock (_lock)
        {
            process.Stopping = true;
            Monitor.PulseAll(_lock);
        }
    }

    public long Notify(ulong handle)
    {
        lock (_lock)
        {
            End end = _ends[(int)handle];
            if (end.Peer.Closed)
            {
                return -EPIPE;
            }

            end.Peer.Pending++;
            end.Peer.Owner.AnyPending = true;
            Monitor.PulseAll(_lock);
            return 0;
        }
    }

    public long Wait(ulong handle)
    {
        lock (_lock)
        {
            End end = _ends[(int)handle];
            while (true)
            {
                if (end.Pending > 0)
                {
                    end.Pending--;
                    return 0;
                }

                if (end.Peer.Closed)
                {
                    return -EPIPE;
                }

                if (end.Owner.Stopping)
                {
                    return -ESHUTDOWN;
                }

                Monitor.Wait(_lock);
            }
        }
    }

    public long WaitAll(HostProcess process, ulong timeoutNs)
    {
        DateTime deadline = timeoutNs == 0 ? DateTime.MaxValue : DateTime.UtcNow.AddTicks((long)(timeoutNs / 100));
        lock (_lock)
        {
            while (true)
            {
                bool any = process.AnyPending;
                process.AnyPending = false;
                foreach (ulong h in process.Ends)
                {
                    any |= _ends[(int)h].Pending > 0;
                    _ends[(int)h].Pending = 0;
                }

                if (any)
                {
                    return 0;
                }

                foreach (ulong h in process.Ends)
                {
                    End end = _ends[(int)h];
                    if (end.Peer.Closed && !end.ClosureReported)
                    {
                        end.ClosureReported = true;
                        return PeerClosedFlag | (long)h;
                    }
                }

                if (process.Stopping)
                {
                    return -ESHUTDOWN;
                }

                if (process.Ends.Count == 0)
                {
                    return -EBADF;
                }

                TimeSpan left = deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : deadline - DateTime.UtcNow;
                if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero)
                {
                    return -ETIMEDOUT;
                }

                Monitor.Wait(_lock, left);
            }
        }
    }

    private sealed class End
    {
        public End(HostProcess owner)
        {
            Owner = owner;
        }

        public HostProcess Owner { get; }

        public End Peer { get; set; } = null!;

        public int Pending { get; set; }

        public bool Closed { get; set; }

        public bool ClosureReported { get; set; }
    }
}

/// <summary>A process of <see cref="HostKernel"/>: the channel ends it holds and whether it was asked to stop.</summary>
internal sealed class HostProcess
{
    public List<ulong> Ends { get; } = new();

    public bool AnyPending { get; set; }

    public bool Stopping { get; set; }

    /// <summary>Waits that carried a wake-up (notify-and-wait on all channels): the serve loop's last-client hand-off.</summary>
    public int NotifyWaitAlls { get; set; }
}

/// <summary>The <see cref="IChannelWaiter"/> of host tests: one process's view of <see cref="HostKernel"/>.</summary>
internal readonly struct HostWaiter : IChannelWaiter
{
    private readonly HostKernel _kernel;
    private readonly HostProcess _process;

    public HostWaiter(HostKernel kernel, HostProcess process)
    {
        _kernel = kernel;
        _process = process;
    }

    public long Notify(ulong channel) => _kernel.Notify(channel);

    public long Wait(ulong channel) => _kernel.Wait(channel);

    public long NotifyWait(ulong notifyChannel, ulong waitChannel)
    {
        long notified = _kernel.Notify(notifyChannel);
        return notified < 0 ? notified : _kernel.Wait(waitChannel);
    }

    public long WaitAll(ulong timeoutNs) => _kernel.WaitAll(_process, timeoutNs);

    public long NotifyWaitAll(ulong notifyChannel)
    {
        _process.NotifyWaitAlls++;
        long notified = _kernel.Notify(notifyChannel);
        return notified < 0 ? notified : _kernel.WaitAll(_process, 0);
    }

    public bool IsPeerGone(long result) => result == -HostKernel.EPIPE;

    public bool TryGetClosedChannel(long result, out ulong channel)
    {
        channel = (ulong)(result & 0xFFFF_FFFF);
        return result > 0 && (result & HostKernel.PeerClosedFlag) != 0;
    }
}
