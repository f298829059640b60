using System;
using System.Text;
using FsCheck.Xunit;
using Microkernel.Ipc;
using Microkernel.Ipc.Tests.Contracts;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>Typed calls end to end, request/reply matching, and every rejection path of the server.</summary>
public sealed class EndpointTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static ReplyMessageCopy ReceiveOne(ChannelFixture channel)
    {
        Assert.Equal(ServeStatus.Ok, channel.Server.TryServe(16, out _));
        Assert.Equal(CallStatus.Ok, channel.Client.Endpoint.TryReceive(out ReplyMessage reply));
        return new ReplyMessageCopy(reply);
    }

    /// <summary>A reply copied out of the ring so it can be inspected after the next receive.</summary>
    private sealed class ReplyMessageCopy
    {
        public ReplyMessageCopy(ReplyMessage reply)
        {
            Header = reply.Header;
            Body = reply.Body.ToArray();
            HasError = reply.TryGetError(out IpcErrorCode code);
            Error = code;
        }

        public MessageHeader Header { get; }

        public byte[] Body { get; }

        public bool HasError { get; }

        public IpcErrorCode Error { get; }
    }

    [Fact]
    public void TypedCallsRoundTripAndRepliesMatchTheirRequests()
    {
        using ChannelFixture channel = new();
        KeyValueClient client = channel.Client;
        Assert.Equal(CallStatus.Ok, client.TrySendPut(new PutRequest { Key = Utf8("a"), Value = new byte[] { 1, 2, 3 }, Overwrite = true }, out uint put));
        Assert.Equal(CallStatus.Ok, client.TrySendGet(new GetRequest { Key = Utf8("a") }, out uint get));
        Assert.Equal(CallStatus.Ok, client.TrySendGet(new GetRequest { Key = Utf8("missing") }, out uint miss));
        Assert.Equal(3, client.Endpoint.Outstanding);
        client.Endpoint.Flush();
        Assert.Equal(ServeStatus.Ok, channel.Server.TryServe(16, out int served));
        Assert.Equal(3, served);

        Assert.Equal(CallStatus.Ok, client.Endpoint.TryReceive(out ReplyMessage r1));
        Assert.Equal(put, r1.RequestId);
        Assert.True(KeyValueClient.TryDecodePutReply(r1, out PutReply putReply));
        Assert.False(KeyValueClient.TryDecodeGetReply(r1, out _)); // another method's reply is refused
        Assert.True(putReply.Stored);

        Assert.Equal(CallStatus.Ok, client.Endpoint.TryReceive(out ReplyMessage r2));
        Assert.Equal(get, r2.RequestId);
        Assert.True(KeyValueClient.TryDecodeGetReply(r2, out GetReply found));
        Assert.True(found.Found);
        Assert.True(found.Value.SequenceEqual(new byte[] { 1, 2, 3 }));
        Assert.Equal(putReply.Version, found.Version);

        Assert.Equal(CallStatus.Ok, client.Endpoint.TryReceive(out ReplyMessage r3));
        Assert.Equal(miss, r3.RequestId);
        Assert.True(KeyValueClient.TryDecodeGetReply(r3, out GetReply missing));
        Assert.False(missing.Found);
        Assert.Equal(CallStatus.NoReply, client.Endpoint.TryReceive(out _));
        Assert.Equal(0, client.Endpoint.Outstanding);
    }

    [Fact]
    public void NotificationsGetNoReply()
    {
        using ChannelFixture channel = new();
        channel.Client.TrySendPut(new PutRequest { Key = Utf8("k"), Overwrite = true }, out _);
        Assert.Equal(CallStatus.Ok, channel.Client.TrySendForget(new GetRequest { Key = Utf8("k") }));
        channel.Client.Endpoint.Flush();
        Assert.Equal(ServeStatus.Ok, channel.Server.TryServe(16, out int served));
        Assert.Equal(2, served);
        Assert.Equal(1, channel.Store.Forgotten);
        Assert.Equal(CallStatus.Ok, channel.Client.Endpoint.TryReceive(out _));
        Assert.Equal(CallStatus.NoReply, channel.Client.Endpoint.TryReceive(out _));
    }

    [Fact]
    public void OutstandingRequestsAreBounded()
    {
        using ChannelFixture channel = new(maxOutstanding: 4);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(CallStatus.Ok, channel.Client.TrySendGet(new GetRequest { Key = Utf8("x") }, out _));
        }

        Assert.Equal(CallStatus.TooManyOutstanding, channel.Client.TrySendGet(new GetRequest { Key = Utf8("x") }, out _));
        channel.Client.Endpoint.Flush();
        channel.Server.TryServe(1, out _);
        Assert.Equal(CallStatus.Ok, channel.Client.Endpoint.TryReceive(out _));
        Assert.Equal(CallStatus.Ok, channel.Client.TrySendGet(new GetRequest { Key = Utf8("x") }, out _));
    }

    [Fact]
    public void OversizeRequestIsRefusedByTheClient()
    {
        using ChannelFixture channel = new(maxBody: 64);
        Assert.Equal(CallStatus.BodyTooLarge, channel.Client.TrySendPut(new PutRequest { Key = Utf8("k"), Value = new byte[100] }, out _));
        Assert.Equal(0, channel.Client.Endpoint.Outstanding);
    }

    /// <summary>Frames a typed client would never send, written raw into the request ring.</summary>
    private static MessageHeader SendRaw(ChannelFixture channel, MessageHeader header, ReadOnlySpan<byte> body, int? recordBodyLength = null)
    {
        SpscProducer raw = channel.RawRequests();
        int length = MessageHeader.Size + (recordBodyLength ?? body.Length);
        Assert.Equal(RingStatus.Ok, raw.TryClaim(length, out Span<byte> record));
        header.TryWrite(record);
        body.Slice(0, Math.Min(body.Length, length - MessageHeader.Size)).CopyTo(record.Slice(MessageHeader.Size));
        raw.Commit(length);
        raw.Publish();
        return header;
    }

    private static byte[] EncodedGet(string key)
    {
        byte[] buffer = new byte[256];
        var w = new MessagePackWriter(buffer);
        new GetRequest { Key = Utf8(key) }.Encode(ref w);
        return w.Written.ToArray();
    }

    /// <summary>Reads the single reply straight from the reply ring (bypassing the client's matching).</summary>
    private static (MessageHeader Header, IpcErrorCode Code) ServeAndReadError(ChannelFixture channel)
    {
        Assert.Equal(ServeStatus.Ok, channel.Server.TryServe(1, out int served));
        Assert.Equal(1, served);
        SpscConsumer replies = channel.ReplyRegion.Consumer();
        Assert.Equal(RingStatus.Ok, replies.TryPeek(out ReadOnlySpan<byte> record));
        Assert.True(MessageHeader.TryRead(record, out MessageHeader header));
        var reply = new ReplyMessage(header, record.Slice(MessageHeader.Size));
        Assert.True(reply.TryGetError(out IpcErrorCode code));
        Assert.Equal(MessageKind.Error, header.Kind);
        return (header, code);
    }

    [Fact]
    public void UnknownContractGetsAnErrorReply()
    {
        using ChannelFixture channel = new();
        byte[] body = EncodedGet("k");
        SendRaw(channel, new MessageHeader(0xBAD, 2, MessageKind.Request, 7, (uint)body.Length), body);
        (MessageHeader header, IpcErrorCode code) = ServeAndReadError(channel);
        Assert.Equal(IpcErrorCode.UnknownContract, code);
        Assert.Equal(7u, header.RequestId);
    }

    [Fact]
    public void UnknownMessageGetsAnErrorReply()
    {
        using ChannelFixture channel = new();
        byte[] body = EncodedGet("k");
        SendRaw(channel, new MessageHeader(KeyValueClient.Id, 99, MessageKind.Request, 8, (uint)body.Length), body);
        Assert.Equal(IpcErrorCode.UnknownMessage, ServeAndReadError(channel).Code);
    }

    [Fact]
    public void OversizeBodyGetsAnErrorReply()
    {
        using ChannelFixture channel = new(maxBody: 32);
        byte[] body = new byte[100];
        SendRaw(channel, new MessageHeader(KeyValueClient.Id, 2, MessageKind.Request, 9, (uint)body.Length), body);
        Assert.Equal(IpcErrorCode.BodyTooLarge, ServeAndReadError(channel).Code);
    }

    [Fact]
    public void BodyLengthThatDisagreesWithTheRecordGetsAnErrorReply()
    {
        using ChannelFixture channel = new();
        byte[] body = EncodedGet("k");
        SendRaw(channel, new MessageHeader(KeyValueClient.Id, 2, MessageKind.Request, 10, (uint)body.Length + 5), body);
        Assert.Equal(IpcErrorCode.MalformedHeader, ServeAndReadError(channel).Code);
    }

    [Fact]
    public void MalformedBodyGetsAnErrorReply()
    {
        using ChannelFixture channel = new();
        byte[] body = { 0x91, 0xc1 }; // array of one element whose type byte is "never used"
        SendRaw(channel, new MessageHeader(KeyValueClient.Id, 2, MessageKind.Request, 11, (uint)body.Length), body);
        Assert.Equal(IpcErrorCode.MalformedBody, ServeAndReadError(channel).Code);
    }

    [Fact]
    public void TrailingBytesAfterTheBodyAreMalformed()
    {
        using ChannelFixture channel = new();
        byte[] body = [.. EncodedGet("k"), 0x00];
        SendRaw(channel, new MessageHeader(KeyValueClient.Id, 2, MessageKind.Request, 12, (uint)body.Length), body);
        Assert.Equal(IpcErrorCode.MalformedBody, ServeAndReadError(channel).Code);
    }

    [Fact]
    public void NotificationToARequestMethodIsCountedNotAnswered()
    {
        using ChannelFixture channel = new();
        byte[] body = EncodedGet("k");
        SendRaw(channel, new MessageHeader(KeyValueClient.Id, 2, MessageKind.Notification, 0, (uint)body.Length), body);
        Assert.Equal(ServeStatus.Ok, channel.Server.TryServe(1, out _));
        Assert.Equal(1, channel.Server.RejectedNotifications);
        Assert.Equal(RingStatus.Empty, channel.ReplyRegion.Consumer().TryPeek(out _));
    }

    [Fact]
    public void RequestToAOneWayMethodIsAKindMismatch()
    {
        using ChannelFixture channel = new();
        byte[] body = EncodedGet("k");
        SendRaw(channel, new MessageHeader(KeyValueClient.Id, 3, MessageKind.Request, 13, (uint)body.Length), body);
        Assert.Equal(IpcErrorCode.KindMismatch, ServeAndReadError(channel).Code);
    }

    [Fact]
    public void RepliesThatAnswerNothingAreDropped()
    {
        using ChannelFixture channel = new();
        Assert.Equal(CallStatus.Ok, channel.Client.TrySendGet(new GetRequest { Key = Utf8("k") }, out uint id));
        channel.Client.Endpoint.Flush();

        // A hostile server answers an id never asked for, then the right id twice, then a wrong method.
        SpscProducer replies = channel.ReplyRegion.Producer();
        byte[] body = { 0x93, 0xc2, 0xc4, 0x00, 0x00 };
        void Reply(uint requestId, ushort messageId)
        {
            replies.TryClaim(MessageHeader.Size + body.Length, out Span<byte> record);
            new MessageHeader(KeyValueClient.Id, messageId, MessageKind.Reply, requestId, (uint)body.Length).TryWrite(record);
            body.CopyTo(record.Slice(MessageHeader.Size));
            replies.Commit(record.Length);
        }

        Reply(id + 100, 2);
        Reply(id, 1);
        Reply(id, 2);
        Reply(id, 2);
        replies.Publish();
        Assert.Equal(CallStatus.UnexpectedReply, channel.Client.Endpoint.TryReceive(out _));
        Assert.Equal(CallStatus.UnexpectedReply, channel.Client.Endpoint.TryReceive(out _)); // wrong method for that id
        Assert.Equal(CallStatus.Ok, channel.Client.Endpoint.TryReceive(out ReplyMessage good));
        Assert.Equal(id, good.RequestId);
        Assert.Equal(CallStatus.UnexpectedReply, channel.Client.Endpoint.TryReceive(out _)); // duplicate
        Assert.Equal(CallStatus.NoReply, channel.Client.Endpoint.TryReceive(out _));
    }

    /// <summary>Any bytes as a request record: the server answers (or counts a notification) and never throws.</summary>
    [Property(MaxTest = 1000)]
    public void ServerSurvivesAnyRequestRecord(byte[] record, bool validHeader, ushort messageId)
    {
        record ??= Array.Empty<byte>();
        using ChannelFixture channel = new();
        if (validHeader && record.Length >= MessageHeader.Size)
        {
            new MessageHeader(KeyValueClient.Id, (ushort)(messageId % 4), MessageKind.Request, 1, (uint)(record.Length - MessageHeader.Size)).TryWrite(record);
        }

        SpscProducer raw = channel.RawRequests();
        Assert.Equal(RingStatus.Ok, raw.TryWrite(record));
        ServeStatus status = channel.Server.TryServe(4, out int served);
        Assert.Equal(ServeStatus.Ok, status);
        Assert.Equal(1, served);
        SpscConsumer replies = channel.ReplyRegion.Consumer();
        RingStatus replyStatus = replies.TryPeek(out ReadOnlySpan<byte> reply);
        if (replyStatus == RingStatus.Empty)
        {
            Assert.Equal(1, channel.Server.RejectedNotifications);
            return;
        }

        Assert.True(MessageHeader.TryRead(reply, out MessageHeader header));
        Assert.True(header.Kind is MessageKind.Reply or MessageKind.Error);
        Assert.Equal((uint)(reply.Length - MessageHeader.Size), header.BodyLength);
    }

    /// <summary>Any bytes as a reply record: the client drops or accepts it and never throws.</summary>
    [Property(MaxTest = 1000)]
    public void ClientSurvivesAnyReplyRecord(byte[] record)
    {
        record ??= Array.Empty<byte>();
        using ChannelFixture channel = new();
        channel.Client.TrySendGet(new GetRequest { Key = Utf8("k") }, out uint id);
        channel.ReplyRegion.Producer().TryWrite(record);
        CallStatus status = channel.Client.Endpoint.TryReceive(out ReplyMessage reply);
        Assert.True(status is CallStatus.Ok or CallStatus.UnexpectedReply, status.ToString());
        if (status == CallStatus.Ok)
        {
            Assert.Equal(id, reply.RequestId);
            _ = KeyValueClient.TryDecodeGetReply(reply, out _);
            _ = reply.TryGetError(out _);
        }
    }
}
