using Microkernel.Abi;
using System;
using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts
{
    /// <summary>Writes log records to klog over a channel the caller was granted, one at a
    /// time (<see cref="Write"/>: send, wait for the answer) or batched (<see cref="Post"/>:
    /// up to a window of writes in flight, answers collected as the window fills, and
    /// <see cref="Flush"/> to collect the rest). Once klog is gone or the channel is corrupt,
    /// every call fails at once; a call never hangs on a dead peer (its wait returns EPIPE).
    /// A service asked to stop (its waits return ESHUTDOWN) polls for answers for up to half
    /// a second instead: klog is stopped last, so its last words still reach the log.</summary>
    public sealed class KlogWriter
    {
        /// <summary>Largest request body: a 32-byte source and a 480-byte text with their headers.</summary>
        public const int MaxBody = 600;
        private readonly KlogClient _client;
        private readonly ulong _handle;
        private readonly int _window;
        private bool _broken;

        /// <summary>A writer over <paramref name="grant"/> (the client end of a channel to klog),
        /// with at most <paramref name="window"/> batched writes in flight (1..64).</summary>
        public KlogWriter(in ChannelGrant grant, int window = 32)
        {
            _window = window < 1 ? 1 : window > 64 ? 64 : window;
            _client = new KlogClient(ChannelRings.Requests(in grant), ChannelRings.Replies(in grant), MaxBody, _window);
            _handle = grant.Handle;
        }

        /// <summary>True once klog was found gone or the channel corrupt.</summary>
        public bool IsBroken => _broken;
        /// <summary>Writes klog answered Ok (kept).</summary>
        public ulong Kept { get; private set; }
        /// <summary>Writes klog answered Filtered (below its threshold).</summary>
        public ulong Filtered { get; private set; }
        /// <summary>Writes klog refused (bad level) or answered with an error reply.</summary>
        public ulong Refused { get; private set; }
        /// <summary>klog's drop counter as of the latest answer.</summary>
        public ulong KlogDropped { get; private set; }
        /// <summary>Writes sent and not yet answered.</summary>
        public int InFlight => _client.Endpoint.Outstanding;

        private KlogStatus _lastStatus;
        /// <summary>Once this service is asked to stop: when to give up polling for answers (clock ns).</summary>
        private long _stopDeadline;
        /// <summary>How long a stopping writer polls for klog's answer (klog itself stops last).</summary>
        private const long StopPollNs = 500_000_000;

        /// <summary>Writes one record and waits for klog's answer (earlier batched writes are
        /// answered first); <see cref="KlogStatus.Unavailable"/> if klog is gone.</summary>
        public KlogStatus Write(KlogLevel level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong sequence = 0)
        {
            if (!Post(level, source, text, sequence) || !Flush()) return KlogStatus.Unavailable;
            return _lastStatus;
        }

        /// <summary>Sends one record without waiting for its answer, unless the window or the
        /// ring is full (then it first collects answers). False if klog is gone, the channel is
        /// corrupt, or the record cannot be encoded.</summary>
        public bool Post(KlogLevel level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong sequence = 0)
        {
            if (_broken) return false;
            if (source.Length > 32) source = source.Slice(0, 32);
            if (text.Length > 480) text = text.Slice(0, 480);
            KlogWriteRequest request = new KlogWriteRequest { Level = level, Source = source, Text = text, Sequence = sequence };
            while (true)
            {
                CallStatus sent = _client.TrySendWrite(in request, out _);
                if (sent == CallStatus.Ok) break;
                if (sent == CallStatus.TooManyOutstanding || sent == CallStatus.RequestRingFull)
                {
                    // Make room: what is queued must reach klog before its answers can come.
                    if (!Publish() || !ReceiveOne()) return false;
                    continue;
                }
                if (sent == CallStatus.RingCorrupt) _broken = true;
                return false;
            }
            if (_client.Endpoint.Outstanding >= _window) return Publish() && ReceiveOne();
            return true;
        }

        /// <summary>Sends one record and never waits: answers already there are taken first;
        /// false, with nothing sent, when the window or the ring is full; false too when klog
        /// is gone (the notify that always follows fails), so the caller can log elsewhere.
        /// For a service klog itself depends on, which must never wait for klog.</summary>
        public bool TryPostWithoutWaiting(KlogLevel level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong sequence = 0)
        {
            if (_broken) return false;
            while (true)
            {
                CallStatus status = _client.Endpoint.TryReceive(out ReplyMessage reply);
                if (status == CallStatus.Ok) { Tally(in reply); continue; }
                if (status == CallStatus.UnexpectedReply) continue;
                if (status != CallStatus.NoReply) { _broken = true; return false; }
                break;
            }
            if (_client.Endpoint.Outstanding >= _window) return false;
            if (source.Length > 32) source = source.Slice(0, 32);
            if (text.Length > 480) text = text.Slice(0, 480);
            KlogWriteRequest request = new KlogWriteRequest { Level = level, Source = source, Text = text, Sequence = sequence };
            CallStatus sent = _client.TrySendWrite(in request, out _);
            if (sent != CallStatus.Ok)
            {
                if (sent == CallStatus.RingCorrupt) _broken = true;
                return false;
            }
            _client.Endpoint.Flush();
            if (SystemCall.Notify(_handle) < 0) { _broken = true; return false; }
            return true;
        }

        /// <summary>Waits until every write sent has been answered. False if klog is gone.</summary>
        public bool Flush()
        {
            if (_broken) return false;
            if (!Publish()) return false;
            while (_client.Endpoint.Outstanding > 0)
            {
                if (!ReceiveOne()) return false;
            }
            return true;
        }

        /// <summary>Publishes queued requests and wakes klog if it sleeps on this ring.</summary>
        private bool Publish()
        {
            if (_client.Endpoint.Flush() && SystemCall.Notify(_handle) < 0) { _broken = true; return false; }
            return true;
        }

        /// <summary>Takes one answer, sleeping in the kernel only while the reply ring is empty.</summary>
        private bool ReceiveOne()
        {
            while (true)
            {
                CallStatus status = _client.Endpoint.TryReceive(out ReplyMessage reply);
                if (status == CallStatus.Ok)
                {
                    Tally(in reply);
                    return true;
                }
                if (status == CallStatus.UnexpectedReply) continue;
                if (status != CallStatus.NoReply) { _broken = true; return false; }
                if (_stopDeadline != 0)
                {
                    // Asked to stop: waits end at once, but klog, stopped last, still answers.
                    if (SystemCall.ClockNanoseconds() > _stopDeadline) { _broken = true; return false; }
                    SystemCall.Yield();
                    continue;
                }
                if (_client.Endpoint.PrepareToSleep() == RingStatus.Empty)
                {
                    long waited = SystemCall.Wait(_handle);
                    _client.Endpoint.ClearSleeping();
                    if (waited == -Errno.ESHUTDOWN) _stopDeadline = SystemCall.ClockNanoseconds() + StopPollNs;
                    else if (waited < 0) { _broken = true; return false; }
                }
                else
                {
                    _client.Endpoint.ClearSleeping();
                }
            }
        }

        private void Tally(in ReplyMessage reply)
        {
            if (!KlogClient.TryDecodeWriteReply(in reply, out KlogWriteReply answer))
            {
                Refused++;
                _lastStatus = KlogStatus.Unavailable;
                return;
            }
            _lastStatus = answer.Status;
            KlogDropped = answer.Dropped;
            if (answer.Status == KlogStatus.Ok) Kept++;
            else if (answer.Status == KlogStatus.Filtered) Filtered++;
            else Refused++;
        }
    }
}
