using System;
using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts;

/// <summary>Writes log records to klog over a channel the caller was granted, one at a time
/// (<see cref="Write"/>: the generated blocking <c>KlogCalls.Write</c>) or posted (<see cref="Post"/>:
/// up to a window of writes in flight, answers collected as the window fills, and
/// <see cref="Flush"/> to collect the rest; <see cref="TryPostWithoutWaiting"/> for a service
/// klog itself waits on), counting klog's answers. Once klog is gone or the channel is
/// corrupt every call fails at once; a stopping service keeps polling for answers for half a
/// second (<see cref="StopTolerantWaiter"/>), since klog is stopped last.</summary>
/// <remarks>Hand-written on top of the generated <see cref="KlogCalls{TWaiter}"/> (sends, publish,
/// reply waits): when to publish a batch, when to collect answers, and what the answers
/// count are policies of klog's writers, not something a contract declares.</remarks>
public sealed class KlogWindow
{
    private readonly KlogCalls<StopTolerantWaiter> _calls;
    private readonly int _window;
    private bool _corrupt;

    /// <summary>A writer over <paramref name="grant"/> (the client end of a channel to klog),
    /// with at most <paramref name="window"/> posted writes in flight (1..64).</summary>
    public KlogWindow(in ChannelGrant grant, int window = 32)
    {
        _window = window < 1 ? 1 : window > 64 ? 64 : window;
        _calls = ContractCalls.Klog(in grant, _window);
    }

    /// <summary>True once klog was found gone or the channel corrupt.</summary>
    public bool IsBroken => _corrupt || _calls.IsBroken;

    /// <summary>Writes klog answered Ok (kept).</summary>
    public ulong Kept { get; private set; }

    /// <summary>Writes klog answered Filtered (below its threshold).</summary>
    public ulong Filtered { get; private set; }

    /// <summary>Writes klog refused (bad level) or answered with an error reply.</summary>
    public ulong Refused { get; private set; }

    /// <summary>klog's drop counter as of the latest answer.</summary>
    public ulong KlogDropped { get; private set; }

    /// <summary>Writes sent and not yet answered.</summary>
    public int InFlight => _calls.Outstanding;

    /// <summary>Writes one record and waits for klog's answer (posted writes are answered
    /// first); <see cref="KlogStatus.Unavailable"/> if klog is gone or the answer is not one.</summary>
    public KlogStatus Write(KlogLevel level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong sequence = 0)
    {
        if (IsBroken || (_calls.Outstanding > 0 && !Flush()))
        {
            return KlogStatus.Unavailable;
        }

        KlogWriteRequest request = Request(level, source, text, sequence);
        if (!_calls.Write(in request, out KlogWriteReply answer))
        {
            if (!_calls.IsBroken)
            {
                Refused++;
            }

            return KlogStatus.Unavailable;
        }
        Tally(in answer);
        return answer.Status;
    }

    /// <summary>Sends one record without waiting for its answer, unless the window or the
    /// ring is full (then it first collects answers). False if klog is gone, the channel is
    /// corrupt, or the record cannot be encoded.</summary>
    public bool Post(KlogLevel level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong sequence = 0)
    {
        if (IsBroken)
        {
            return false;
        }

        KlogWriteRequest request = Request(level, source, text, sequence);
        while (true)
        {
            CallStatus sent = _calls.Client.TrySendWrite(in request, out _);
            if (sent == CallStatus.Ok)
            {
                break;
            }

            if (sent == CallStatus.TooManyOutstanding || sent == CallStatus.RequestRingFull)
            {
                // Make room: what is queued must reach klog before its answers can come.
                if (!_calls.Publish() || !ReceiveOne())
                {
                    return false;
                }

                continue;
            }
            _corrupt |= sent == CallStatus.RingCorrupt;
            return false;
        }
        if (_calls.Outstanding >= _window)
        {
            return _calls.Publish() && ReceiveOne();
        }

        return true;
    }

    /// <summary>Sends one record and never waits: answers already there are taken first;
    /// false, with nothing sent, when the window or the ring is full; false too when klog
    /// is gone (the notify that always follows fails), so the caller can log elsewhere.
    /// For a service klog itself depends on, which must never wait for klog.</summary>
    public bool TryPostWithoutWaiting(KlogLevel level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong sequence = 0)
    {
        if (IsBroken)
        {
            return false;
        }

        while (_calls.TryTakeReply(out ReplyMessage reply))
        {
            Tally(in reply);
        }

        if (_calls.IsBroken || _calls.Outstanding >= _window)
        {
            return false;
        }

        KlogWriteRequest request = Request(level, source, text, sequence);
        CallStatus sent = _calls.Client.TrySendWrite(in request, out _);
        if (sent != CallStatus.Ok)
        {
            _corrupt |= sent == CallStatus.RingCorrupt;
            return false;
        }
        _calls.Client.Endpoint.Flush();
        return _calls.Notify();
    }

    /// <summary>Waits until every write sent has been answered. False if klog is gone.</summary>
    public bool Flush()
    {
        if (IsBroken || !_calls.Publish())
        {
            return false;
        }

        while (_calls.Outstanding > 0)
        {
            if (!ReceiveOne())
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Takes one answer, sleeping only while the reply ring is empty.</summary>
    private bool ReceiveOne()
    {
        if (!_calls.WaitForReply(out ReplyMessage reply))
        {
            return false;
        }

        Tally(in reply);
        return true;
    }

    private static KlogWriteRequest Request(KlogLevel level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong sequence)
    {
        if (source.Length > 32)
        {
            source = source.Slice(0, 32);
        }

        if (text.Length > 480)
        {
            text = text.Slice(0, 480);
        }

        return new KlogWriteRequest { Level = level, Source = source, Text = text, Sequence = sequence };
    }

    private void Tally(in ReplyMessage reply)
    {
        if (KlogClient.TryDecodeWriteReply(in reply, out KlogWriteReply answer))
        {
            Tally(in answer);
        }
        else
        {
            Refused++;
        }
    }

    private void Tally(in KlogWriteReply answer)
    {
        KlogDropped = answer.Dropped;
        if (answer.Status == KlogStatus.Ok)
        {
            Kept++;
        }
        else if (answer.Status == KlogStatus.Filtered)
        {
            Filtered++;
        }
        else
        {
            Refused++;
        }
    }
}
