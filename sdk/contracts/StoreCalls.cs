using System;
using Microkernel.Ipc;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts
{
    /// <summary>A value read from the store, copied out of the reply (a Text value's bytes go
    /// to the caller's buffer; <see cref="TextLength"/> says how many).</summary>
    public struct StoreReading
    {
        /// <summary>The value's type (None when the call failed).</summary>
        public StoreType Type;
        /// <summary>A Signed value.</summary>
        public long Signed;
        /// <summary>An Unsigned value.</summary>
        public ulong Unsigned;
        /// <summary>A Boolean value.</summary>
        public bool Boolean;
        /// <summary>Bytes of a Text value copied to the caller's buffer (cut to its size).</summary>
        public int TextLength;
    }

    /// <summary>Blocking IStore calls over a channel the caller was granted: send, wake the
    /// store if it sleeps, wait for the reply (sleeping in the kernel only when the reply ring
    /// is empty), copy the answer out. Once the store is gone, or a ring is corrupt, every call
    /// returns <see cref="StoreStatus.Unavailable"/> at once; a call never hangs on a dead peer.</summary>
    public sealed class StoreCalls
    {
        private const int MaxBody = 512;
        private readonly StoreClient _client;
        private readonly ulong _handle;
        private bool _broken;

        /// <summary>Calls over <paramref name="grant"/> (the client end of a channel to the store).</summary>
        public StoreCalls(in ChannelGrant grant)
        {
            _client = new StoreClient(ChannelRings.Requests(in grant), ChannelRings.Replies(in grant), MaxBody, 4);
            _handle = grant.Handle;
        }

        /// <summary>True once a call found the store gone or the channel corrupt.</summary>
        public bool IsBroken => _broken;

        /// <summary>Reads an entry; a Text value is copied into <paramref name="text"/>.</summary>
        public StoreStatus Get(ReadOnlySpan<byte> name, out StoreReading value, Span<byte> text)
        {
            value = default;
            if (!Begin(_client.TrySendGet(new StoreNameRequest { Name = name }, out uint id))) return StoreStatus.Unavailable;
            if (!Await(id, out ReplyMessage reply) || !StoreClient.TryDecodeGetReply(in reply, out StoreGetReply decoded)) return StoreStatus.Unavailable;
            value = Copy(in decoded.Value, text);
            return decoded.Status;
        }

        /// <summary>Writes an entry.</summary>
        public StoreStatus Set(ReadOnlySpan<byte> name, in StoreWireValue value)
        {
            if (!Begin(_client.TrySendSet(new StoreSetRequest { Name = name, Value = value }, out uint id))) return StoreStatus.Unavailable;
            return Await(id, out ReplyMessage reply) && StoreClient.TryDecodeSetReply(in reply, out StoreStatusReply r) ? r.Status : StoreStatus.Unavailable;
        }

        /// <summary>Adds an entry to one of the caller's objects.</summary>
        public StoreStatus Register(ReadOnlySpan<byte> name, in StoreWireValue value, bool writable) =>
            Register(name, in value, writable, default, default);

        /// <summary>Register with bounds: the store refuses (Rejected) a Set of this Signed or
        /// Unsigned entry outside [<paramref name="minimum"/>, <paramref name="maximum"/>]
        /// (a bound of type None is open).</summary>
        public StoreStatus Register(ReadOnlySpan<byte> name, in StoreWireValue value, bool writable, in StoreWireValue minimum, in StoreWireValue maximum)
        {
            StoreRegisterRequest request = new StoreRegisterRequest { Name = name, Value = value, Writable = writable, Minimum = minimum, Maximum = maximum };
            if (!Begin(_client.TrySendRegister(in request, out uint id))) return StoreStatus.Unavailable;
            return Await(id, out ReplyMessage reply) && StoreClient.TryDecodeRegisterReply(in reply, out StoreStatusReply r) ? r.Status : StoreStatus.Unavailable;
        }

        /// <summary>Creates an object owned by the caller.</summary>
        public StoreStatus CreateObject(ReadOnlySpan<byte> name)
        {
            if (!Begin(_client.TrySendCreateObject(new StoreNameRequest { Name = name }, out uint id))) return StoreStatus.Unavailable;
            return Await(id, out ReplyMessage reply) && StoreClient.TryDecodeCreateObjectReply(in reply, out StoreStatusReply r) ? r.Status : StoreStatus.Unavailable;
        }

        /// <summary>Removes one of the caller's objects.</summary>
        public StoreStatus RemoveObject(ReadOnlySpan<byte> name)
        {
            if (!Begin(_client.TrySendRemoveObject(new StoreNameRequest { Name = name }, out uint id))) return StoreStatus.Unavailable;
            return Await(id, out ReplyMessage reply) && StoreClient.TryDecodeRemoveObjectReply(in reply, out StoreStatusReply r) ? r.Status : StoreStatus.Unavailable;
        }

        /// <summary>Takes a reference on an object.</summary>
        public StoreStatus Acquire(ReadOnlySpan<byte> name)
        {
            if (!Begin(_client.TrySendAcquire(new StoreNameRequest { Name = name }, out uint id))) return StoreStatus.Unavailable;
            return Await(id, out ReplyMessage reply) && StoreClient.TryDecodeAcquireReply(in reply, out StoreStatusReply r) ? r.Status : StoreStatus.Unavailable;
        }

        /// <summary>Drops a reference taken with <see cref="Acquire"/>.</summary>
        public StoreStatus Release(ReadOnlySpan<byte> name)
        {
            if (!Begin(_client.TrySendRelease(new StoreNameRequest { Name = name }, out uint id))) return StoreStatus.Unavailable;
            return Await(id, out ReplyMessage reply) && StoreClient.TryDecodeReleaseReply(in reply, out StoreStatusReply r) ? r.Status : StoreStatus.Unavailable;
        }

        /// <summary>Subscribes the caller to events under <paramref name="prefix"/>.</summary>
        public StoreStatus Subscribe(ReadOnlySpan<byte> prefix)
        {
            if (!Begin(_client.TrySendSubscribe(new StoreNameRequest { Name = prefix }, out uint id))) return StoreStatus.Unavailable;
            return Await(id, out ReplyMessage reply) && StoreClient.TryDecodeSubscribeReply(in reply, out StoreStatusReply r) ? r.Status : StoreStatus.Unavailable;
        }

        /// <summary>The next entry name after <paramref name="after"/> under <paramref name="prefix"/>,
        /// copied into <paramref name="name"/>; <paramref name="found"/> false at the end.</summary>
        public StoreStatus List(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> after, Span<byte> name, out int nameLength, out StoreType type, out bool found)
        {
            nameLength = 0;
            type = StoreType.None;
            found = false;
            if (!Begin(_client.TrySendList(new StoreListRequest { Prefix = prefix, After = after }, out uint id))) return StoreStatus.Unavailable;
            if (!Await(id, out ReplyMessage reply) || !StoreClient.TryDecodeListReply(in reply, out StoreListReply decoded)) return StoreStatus.Unavailable;
            nameLength = CopyCut(decoded.Name, name);
            type = decoded.Type;
            found = decoded.Found;
            return decoded.Status;
        }

        /// <summary>Takes the caller's oldest event: its name into <paramref name="name"/>, a
        /// Text value into <paramref name="text"/>; <paramref name="found"/> false when none is queued.</summary>
        public StoreStatus PollEvent(out StoreEventKind kind, Span<byte> name, out int nameLength, out StoreReading value, Span<byte> text,
            out uint pending, out ulong dropped, out bool found)
        {
            kind = StoreEventKind.None;
            nameLength = 0;
            value = default;
            pending = 0;
            dropped = 0;
            found = false;
            if (!Begin(_client.TrySendPollEvents(new StorePollRequest(), out uint id))) return StoreStatus.Unavailable;
            if (!Await(id, out ReplyMessage reply) || !StoreClient.TryDecodePollEventsReply(in reply, out StoreEventReply decoded)) return StoreStatus.Unavailable;
            kind = decoded.Kind;
            nameLength = CopyCut(decoded.Name, name);
            value = Copy(in decoded.Value, text);
            pending = decoded.Pending;
            dropped = decoded.Dropped;
            found = decoded.Found;
            return decoded.Status;
        }

        /// <summary>A Signed wire value.</summary>
        public static StoreWireValue Signed(long value) => new StoreWireValue { Type = StoreType.Signed, Signed = value };

        /// <summary>An Unsigned wire value.</summary>
        public static StoreWireValue Unsigned(ulong value) => new StoreWireValue { Type = StoreType.Unsigned, Unsigned = value };

        /// <summary>A Boolean wire value.</summary>
        public static StoreWireValue Boolean(bool value) => new StoreWireValue { Type = StoreType.Boolean, Boolean = value };

        /// <summary>A Text wire value.</summary>
        public static StoreWireValue Text(ReadOnlySpan<byte> utf8) => new StoreWireValue { Type = StoreType.Text, Text = utf8 };

        private bool Begin(CallStatus sent)
        {
            if (_broken) return false;
            if (sent == CallStatus.Ok) return true;
            if (sent == CallStatus.RingCorrupt) _broken = true;
            return false;
        }

        /// <summary>Publishes the request and waits for its reply; false if the store is gone.</summary>
        /// <remarks>The store's wake-up, when it needs one, is sent with the wait itself
        /// (<see cref="ReplyWait"/>): the kernel then switches straight to the store instead of
        /// making it ready and scheduling it, one system call instead of two.</remarks>
        private bool Await(uint requestId, out ReplyMessage reply)
        {
            bool wakeStore = _client.Endpoint.Flush();
            while (true)
            {
                CallStatus status = _client.Endpoint.TryReceive(out reply);
                if (status == CallStatus.Ok)
                {
                    if (reply.RequestId == requestId) return true;
                    continue; // an answer to an abandoned earlier call
                }
                if (status == CallStatus.UnexpectedReply) continue;
                if (status != CallStatus.NoReply) return Broken(out reply);
                if (ReplyWait.Next(_client.Endpoint, _handle, ref wakeStore) < 0) return Broken(out reply);
            }
        }

        private bool Broken(out ReplyMessage reply)
        {
            reply = default;
            _broken = true;
            return false;
        }

        private static StoreReading Copy(scoped in StoreWireValue wire, Span<byte> text)
        {
            StoreReading reading = new StoreReading { Type = wire.Type, Signed = wire.Signed, Unsigned = wire.Unsigned, Boolean = wire.Boolean };
            reading.TextLength = CopyCut(wire.Text, text);
            return reading;
        }

        private static int CopyCut(ReadOnlySpan<byte> from, Span<byte> to)
        {
            int n = Math.Min(from.Length, to.Length);
            from.Slice(0, n).CopyTo(to);
            return n;
        }
    }
}
