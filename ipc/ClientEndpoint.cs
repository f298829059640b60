using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microkernel.Ipc;

/// <summary>
/// The client end of a channel for one contract: frames requests and notifications straight
/// into the request ring and accepts replies only when they answer an outstanding request.
/// Generated <c>{Contract}Client</c> classes wrap it with one typed method per contract method.
/// </summary>
/// <remarks>
/// Sending is Begin (claim ring space, get a writer for the body), encode, End (write the
/// header, commit). Commits become visible on <see cref="Flush"/>, so a burst of sends costs
/// one release store.
/// </remarks>
public sealed unsafe class ClientEndpoint
{
    private readonly SpscProducer _requests;
    private readonly SpscConsumer _replies;
    private readonly PendingRequests _pending;
    private readonly int _maxRequestBody;
    private ushort _openMessageId;
    private MessageKind _openKind;
    private bool _open;
    private bool _holdingReply;

    /// <summary>
    /// Creates the endpoint for contract <paramref name="contractId"/>. Request space is claimed
    /// at <paramref name="maxRequestBodyLength"/> plus the header (clamped to the ring's record
    /// limit); at most <paramref name="maxOutstanding"/> requests may await replies.
    /// </summary>
    public ClientEndpoint(SpscProducer requests, SpscConsumer replies, uint contractId, int maxRequestBodyLength, int maxOutstanding)
    {
        _requests = requests;
        _replies = replies;
        ContractId = contractId;
        int limit = requests.MaxPayloadLength - MessageHeader.Size;
        _maxRequestBody = Math.Max(0, Math.Min(maxRequestBodyLength, limit));
        _pending = new PendingRequests(maxOutstanding);
    }

    /// <summary>Contract every message from this endpoint is addressed to.</summary>
    public uint ContractId { get; }

    /// <summary>Requests sent and not yet answered.</summary>
    public int Outstanding => _pending.Count;

    /// <summary>
    /// Starts a request (<paramref name="kind"/> = Request) or a notification and returns the
    /// writer for its body, which writes into ring memory after the space for the header.
    /// </summary>
    /// <remarks>
    /// Inlined into each generated TrySend method, where <paramref name="kind"/> is a constant: the
    /// kind checks fold away, and a contract's requests and notifications each get code of their own.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CallStatus TryBegin(ushort messageId, MessageKind kind, out MessagePackWriter body)
    {
        body = default;
        _open = false;
        if (kind != MessageKind.Request && kind != MessageKind.Notification)
        {
            return CallStatus.InvalidState;
        }

        if (kind == MessageKind.Request && _pending.PeekNextId() == 0)
        {
            return CallStatus.TooManyOutstanding;
        }

        RingStatus status = _requests.TryClaim(MessageHeader.Size + _maxRequestBody, out Span<byte> record);
        if (status != RingStatus.Ok)
        {
            return status == RingStatus.Full ? CallStatus.RequestRingFull : CallStatus.RingCorrupt;
        }

        body = new MessagePackWriter(record.Slice(MessageHeader.Size));
        _openMessageId = messageId;
        _openKind = kind;
        _open = true;
        return CallStatus.Ok;
    }

    /// <summary>
    /// Finishes the message begun with <see cref="TryBegin"/>: writes its header in front of
    /// the body and commits it. Returns the request id (0 for a notification).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CallStatus TryEnd(ref MessagePackWriter body, out uint requestId)
    {
        requestId = 0;
        if (!_open)
        {
            return CallStatus.InvalidState;
        }

        _open = false;
        if (body.Overflowed)
        {
            return CallStatus.BodyTooLarge;
        }

        // The writer must be the one Begin handed out, i.e. write into this claim's body area.
        // (A pointer compare: this runs for every message, so no span is rebuilt or sliced.)
        byte* record = _requests.OpenClaimPayload;
        if (record == null || !Unsafe.AreSame(ref body.BufferStart, ref *(record + MessageHeader.Size)))
        {
            return CallStatus.InvalidState;
        }

        uint id = _openKind == MessageKind.Request ? _pending.Add(_openMessageId) : 0;
        // The claim is at least MessageHeader.Size long (TryBegin asked for header + body) and
        // 8-aligned (ring records are), so the header is two aligned 64-bit stores.
        new MessageHeader(ContractId, _openMessageId, _openKind, id, (uint)body.Position).WriteTo(record);
        _requests.Commit(MessageHeader.Size + body.Position);
        requestId = id;
        return CallStatus.Ok;
    }

    /// <summary>Largest request body this endpoint sends (the constructor's limit, clamped to the ring's record limit).</summary>
    public int MaxRequestBodyLength => _maxRequestBody;

    /// <summary>
    /// The generated senders' fast path: starts and commits a request or notification whose body
    /// is exactly <paramref name="bodyLength"/> bytes, writes its header, and returns where the body
    /// goes; the caller must write exactly that many bytes there before the next
    /// <see cref="Publish"/>/<see cref="Flush"/> (generated code writes them at once, with
    /// <see cref="MessagePackExact"/>). Null when nothing was sent, with the same statuses as
    /// <see cref="TryBegin"/> + <see cref="TryEnd"/> (a body over the limit is BodyTooLarge once
    /// ring space for the largest body is available, as when it overflowed the writer). Abandons a
    /// message begun with <see cref="TryBegin"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* TryAppend(ushort messageId, MessageKind kind, int bodyLength, out uint requestId, out CallStatus status)
    {
        requestId = 0;
        _open = false;
        if (kind != MessageKind.Request && kind != MessageKind.Notification)
        {
            status = CallStatus.InvalidState;
            return null;
        }

        if (kind == MessageKind.Request && _pending.PeekNextId() == 0)
        {
            status = CallStatus.TooManyOutstanding;
            return null;
        }

        if ((uint)bodyLength > (uint)_maxRequestBody)
        {
            status = TooLarge();
            return null;
        }

        byte* record = _requests.TryAppend(MessageHeader.Size + bodyLength, out RingStatus ring);
        if (record == null)
        {
            status = ring == RingStatus.Full ? CallStatus.RequestRingFull : CallStatus.RingCorrupt;
            return null;
        }

        uint id = kind == MessageKind.Request ? _pending.Add(messageId) : 0;
        new MessageHeader(ContractId, messageId, kind, id, (uint)bodyLength).WriteTo(record);
        requestId = id;
        status = CallStatus.Ok;
        return record + MessageHeader.Size;
    }

    /// <summary>What TryBegin + an overflowing body + TryEnd report: ring trouble first, else BodyTooLarge.</summary>
    private CallStatus TooLarge()
    {
        RingStatus status = _requests.TryClaim(MessageHeader.Size + _maxRequestBody, out _);
        if (status != RingStatus.Ok)
        {
            return status == RingStatus.Full ? CallStatus.RequestRingFull : CallStatus.RingCorrupt;
        }

        // The claim stays unused, as TryEnd leaves it after an overflow: it wrote nothing.
        return CallStatus.BodyTooLarge;
    }

    /// <summary>
    /// Publishes every committed message; call at the end of a burst, before waiting or doing
    /// other work. Returns true when the server announced it is sleeping, i.e. the caller must ask
    /// the kernel to wake it. Costs a full fence (see <see cref="SpscProducer.PublishAndCheckSleeping"/>).
    /// </summary>
    public bool Flush()
    {
        return _requests.PublishAndCheckSleeping();
    }

    /// <summary>
    /// Publishes every committed message in the middle of a burst, without a fence. Returns a
    /// hint that the server is sleeping (wake it if so); the hint can be wrong in the "not
    /// sleeping" direction, so the burst must still end with <see cref="Flush"/>.
    /// </summary>
    public bool Publish()
    {
        return _requests.PublishAndPeekSleeping();
    }

    /// <summary>
    /// Before blocking for replies: announces "sleeping" on the reply ring and checks once more.
    /// Empty means the caller may block until the server reports <see cref="ServerEndpoint.WakeNeeded"/>;
    /// Ok means a reply arrived meanwhile. Hands back the previous reply's ring space, so its body
    /// becomes invalid. See <see cref="SpscConsumer.PrepareToSleep"/>.
    /// </summary>
    public RingStatus PrepareToSleep()
    {
        if (_holdingReply)
        {
            _holdingReply = false;
        }

        return _replies.PrepareToSleep();
    }

    /// <summary>Withdraws the "sleeping" announcement after waking.</summary>
    public void ClearSleeping()
    {
        _replies.ClearSleeping();
    }

    /// <summary>
    /// Takes the next reply. Returns Ok with a reply that answers an outstanding request (which
    /// is then no longer outstanding), NoReply, UnexpectedReply (a reply that answers nothing we
    /// asked; it is consumed and dropped) or RingCorrupt. The previous reply's body becomes
    /// invalid: its ring space is handed back here.
    /// </summary>
    public CallStatus TryReceive(out ReplyMessage reply)
    {
        reply = default;
        if (_holdingReply)
        {
            _replies.Release();
            _holdingReply = false;
        }

        RingStatus status = _replies.TryPeek(out ReadOnlySpan<byte> record);
        if (status == RingStatus.Empty)
        {
            return CallStatus.NoReply;
        }

        if (status != RingStatus.Ok)
        {
            return CallStatus.RingCorrupt;
        }

        _replies.Advance();
        _holdingReply = true;
        if (!MessageHeader.TryRead(record, out MessageHeader header)
            || (header.Kind != MessageKind.Reply && header.Kind != MessageKind.Error)
            || header.ContractId != ContractId
            || header.BodyLength != (uint)(record.Length - MessageHeader.Size)
            || !_pending.TryComplete(header.RequestId, header.MessageId))
        {
            return CallStatus.UnexpectedReply;
        }

        reply = new ReplyMessage(header, record.Slice(MessageHeader.Size));
        return CallStatus.Ok;
    }
}
