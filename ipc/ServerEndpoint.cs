using System;
using System.Runtime.CompilerServices;

namespace Microkernel.Ipc;

/// <summary>
/// The server end of a channel: takes requests from one ring, hands them to a contract's
/// <see cref="IMessageDispatcher"/> and writes replies into the other ring, encoding straight
/// into ring memory (no copies). Anything wrong with a request (unknown contract or message,
/// malformed header or body, oversize body) is answered with an Error reply carrying an
/// <see cref="IpcErrorCode"/>; a rejected notification is only counted.
/// </summary>
public sealed class ServerEndpoint
{
    private readonly SpscConsumer _requests;
    private readonly SpscProducer _replies;
    private readonly IMessageDispatcher _dispatcher;
    private readonly int _maxRequestBody;
    private readonly int _maxReplyBody;
    private readonly uint _contractId;
    private bool _repliesCommitted;
    /// <summary>Request bytes consumed within one <see cref="TryServe"/> after which they are handed back at once.</summary>
    private readonly ulong _releaseEvery;

    /// <summary>
    /// Creates the endpoint. Reply space is claimed at <paramref name="maxReplyBodyLength"/> plus
    /// the header, so that many bytes plus the header must fit the reply ring's record limit.
    /// </summary>
    public ServerEndpoint(SpscConsumer requests, SpscProducer replies, IMessageDispatcher dispatcher, int maxRequestBodyLength, int maxReplyBodyLength)
    {
        _requests = requests;
        _replies = replies;
        _dispatcher = dispatcher;
        _contractId = dispatcher.ContractId;
        _maxRequestBody = maxRequestBodyLength < 0 ? 0 : maxRequestBodyLength;
        // A quarter of the ring: a batch that drains most of a small ring (kernel channels use
        // 8 KiB rings; 256 records of 40 bytes are 10 KiB) would otherwise keep the producer
        // waiting for space until the whole batch is served, and the two sides take turns
        // instead of working at once.
        _releaseEvery = (ulong)Math.Max(requests.Capacity / 4, SpscRing.RecordAlignment);
        int replyLimit = replies.MaxPayloadLength - MessageHeader.Size;
        _maxReplyBody = maxReplyBodyLength < 0 ? 0 : Math.Min(maxReplyBodyLength, replyLimit < 0 ? 0 : replyLimit);
    }

    /// <summary>True after <see cref="TryServe"/> published replies to a client that announced it is sleeping: wake it.</summary>
    public bool WakeNeeded { get; private set; }

    /// <summary>Notifications that were dropped because they were invalid (one-way, so no error reply).</summary>
    public long RejectedNotifications { get; private set; }

    /// <summary>Requests answered with an Error reply.</summary>
    public long RejectedRequests { get; private set; }

    /// <summary>
    /// Handles up to <paramref name="maxMessages"/> queued messages, then releases the requests
    /// (one release store per batch, plus one per quarter of the request ring consumed inside a
    /// long batch) and does the sleeping handshake for the replies, which were published one by one.
    /// </summary>
    public ServeStatus TryServe(int maxMessages, out int served)
    {
        served = 0;
        _repliesCommitted = false;
        ServeStatus status = ServeStatus.Idle;
        ulong released = _requests.Head;
        while (served < maxMessages)
        {
            status = ServeOne();
            if (status != ServeStatus.Ok)
            {
                break;
            }

            served++;
            // Hand space back during a long batch too, so the client can refill the ring while
            // we work through the rest (a served record's bytes are no longer used).
            if (_requests.Head - released >= _releaseEvery)
            {
                _requests.Release();
                released = _requests.Head;
            }
        }

        if (served > 0)
        {
            // Replies are already visible (published one by one); this fence and flag load is
            // the sleeping handshake, paid once per batch, and skipped when the batch held only
            // notifications.
            WakeNeeded = _repliesCommitted && _replies.PublishAndCheckSleeping();
            _requests.Release();
            if (status == ServeStatus.Idle)
            {
                status = ServeStatus.Ok;
            }
        }

        return served == maxMessages ? ServeStatus.Ok : status;
    }

    /// <summary>
    /// Before blocking for requests: announces "sleeping" on the request ring and checks once
    /// more. Empty means the caller may block until the client's Flush reports a wake-up is
    /// needed; Ok means requests arrived meanwhile (keep serving). See <see cref="SpscConsumer.PrepareToSleep"/>.
    /// </summary>
    public RingStatus PrepareToSleep()
    {
        return _requests.PrepareToSleep();
    }

    /// <summary>Withdraws the "sleeping" announcement after waking.</summary>
    public void ClearSleeping()
    {
        _requests.ClearSleeping();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ServeStatus ServeOne()
    {
        RingStatus ring = _requests.TryPeek(out ReadOnlySpan<byte> record);
        if (ring == RingStatus.Empty)
        {
            return ServeStatus.Idle;
        }

        if (ring != RingStatus.Ok)
        {
            return ServeStatus.RequestRingCorrupt;
        }

        // Requests and notifications are handled by separate methods: each is compiled (and, on
        // the host, profiled) on its own, so a stream of one kind does not leave the other's
        // path compiled as cold code.
        bool headerOk = MessageHeader.TryRead(record, out MessageHeader header);
        ServeStatus status = headerOk && header.Kind == MessageKind.Notification
            ? ServeNotification(header, record)
            : ServeRequest(headerOk, header, record);
        if (status == ServeStatus.Ok)
        {
            _requests.Advance();
        }

        return status;
    }

    // Not inlined: TryServe (and whatever inlines it) would otherwise exhaust the JIT's inlining
    // budget and leave the small helpers below (header, validation, commit, publish) as calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ServeStatus ServeRequest(bool headerOk, MessageHeader header, ReadOnlySpan<byte> record)
    {
        // Only now claim reply space: a notification never needs it.
        RingStatus claim = _replies.TryClaim(MessageHeader.Size + _maxReplyBody, out Span<byte> reply);
        if (claim == RingStatus.Full)
        {
            return ServeStatus.ReplyRingFull;
        }

        if (claim != RingStatus.Ok)
        {
            return ServeStatus.ReplyRingCorrupt;
        }

        IpcErrorCode error = Validate(headerOk, header, record.Length);
        Span<byte> replyBody = reply.Slice(MessageHeader.Size);
        int replyLength = 0;
        if (error == IpcErrorCode.None)
        {
            DispatchStatus dispatched = _dispatcher.Dispatch(header.MessageId, true, record.Slice(MessageHeader.Size), replyBody, out replyLength);
            error = ToErrorCode(dispatched);
            if (replyLength < 0 || replyLength > replyBody.Length)
            {
                // A dispatcher is our own code, but the length goes into a header the client trusts.
                error = IpcErrorCode.ReplyTooLarge;
            }
        }

        MessageKind kind = MessageKind.Reply;
        if (error != IpcErrorCode.None)
        {
            replyLength = EncodeError(replyBody, error);
            kind = MessageKind.Error;
            RejectedRequests++;
        }

        // A header that did not parse still gets an answer, addressed as well as we can.
        new MessageHeader(header.ContractId, header.MessageId, kind, header.RequestId, (uint)replyLength).TryWrite(reply);
        _replies.Commit(MessageHeader.Size + replyLength);
        // Visible at once (a plain release store): the client is usually waiting for exactly this
        // reply, and holding it back until the batch ends would put the next request slot's load
        // (often a cache miss: the client wrote that line last) and the fence in front of it.
        // The batch still ends with the fenced publish (TryServe) for the sleeping handshake.
        _replies.Publish();
        _repliesCommitted = true;
        return ServeStatus.Ok;
    }

    private static int EncodeError(Span<byte> replyBody, IpcErrorCode error)
    {
        // Overwrites whatever a failed dispatch left behind.
        var writer = new MessagePackWriter(replyBody);
        ErrorReply body = default;
        body.Code = error;
        body.Encode(ref writer);
        return writer.Position;
    }

    // Small (validation and one call): inlined, so a stream of notifications costs no extra call each.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ServeStatus ServeNotification(MessageHeader header, ReadOnlySpan<byte> record)
    {
        if (Validate(true, header, record.Length) != IpcErrorCode.None)
        {
            RejectedNotifications++;
        }
        else if (_dispatcher.Dispatch(header.MessageId, false, record.Slice(MessageHeader.Size), default, out _) != DispatchStatus.Ok)
        {
            RejectedNotifications++;
        }

        return ServeStatus.Ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private IpcErrorCode Validate(bool headerOk, MessageHeader header, int recordLength)
    {
        if (!headerOk || header.Kind == MessageKind.Reply || header.Kind == MessageKind.Error)
        {
            return IpcErrorCode.MalformedHeader;
        }

        if (header.ContractId != _contractId)
        {
            return IpcErrorCode.UnknownContract;
        }

        int bodyLength = recordLength - MessageHeader.Size;
        if (header.BodyLength > (uint)_maxRequestBody || bodyLength > _maxRequestBody)
        {
            return IpcErrorCode.BodyTooLarge;
        }

        return header.BodyLength == (uint)bodyLength ? IpcErrorCode.None : IpcErrorCode.MalformedHeader;
    }

    private static IpcErrorCode ToErrorCode(DispatchStatus status)
    {
        switch (status)
        {
            case DispatchStatus.Ok:
                return IpcErrorCode.None;
            case DispatchStatus.UnknownMessage:
                return IpcErrorCode.UnknownMessage;
            case DispatchStatus.MalformedBody:
                return IpcErrorCode.MalformedBody;
            case DispatchStatus.ReplyTooLarge:
                return IpcErrorCode.ReplyTooLarge;
            default:
                return IpcErrorCode.KindMismatch;
        }
    }
}
