using System;
using System.Linq;
using System.Reflection;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using MessagePack;
using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.Store.Tests.Mirrors;
using MessagePackWriter = Microkernel.Ipc.MessagePackWriter;
using MessagePackReader = Microkernel.Ipc.MessagePackReader;
using Xunit;

namespace Microkernel.Store.Tests;

/// <summary>
/// Every IStore message against the MessagePack NuGet library, both ways: our encoding
/// equals theirs byte for byte, we decode their bytes and they decode ours to the same values.
/// </summary>
public sealed class StoreWireCompatibilityProperties
{
    private delegate void Encoder(ref MessagePackWriter writer);

    private static readonly Type[] Covered =
    {
        typeof(StoreWireValue), typeof(StoreNameRequest), typeof(StoreSetRequest), typeof(StoreRegisterRequest),
        typeof(StoreListRequest), typeof(StorePollRequest), typeof(StoreStatusReply), typeof(StoreGetReply),
        typeof(StoreListReply), typeof(StoreEventReply),
    };

    private static byte[] Ours(Encoder encode)
    {
        byte[] buffer = new byte[1 << 16];
        MessagePackWriter writer = new MessagePackWriter(buffer);
        encode(ref writer);
        Assert.False(writer.Overflowed);
        return writer.Written.ToArray();
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static StoreWireValueMirror ValueMirror(byte type, long signed, ulong unsigned, bool boolean, string text) =>
        new() { Type = (StoreType)type, Signed = signed, Unsigned = unsigned, Boolean = boolean, Text = text };

    private static StoreWireValue Value(StoreWireValueMirror m) =>
        new() { Type = m.Type, Signed = m.Signed, Unsigned = m.Unsigned, Boolean = m.Boolean, Text = Utf8(m.Text) };

    private static void SameValue(StoreWireValueMirror expected, in StoreWireValue actual)
    {
        Assert.Equal((expected.Type, expected.Signed, expected.Unsigned, expected.Boolean), (actual.Type, actual.Signed, actual.Unsigned, actual.Boolean));
        Assert.True(actual.Text.SequenceEqual(Utf8(expected.Text)));
    }

    private static void SameValue(StoreWireValueMirror expected, StoreWireValueMirror actual)
    {
        Assert.Equal((expected.Type, expected.Signed, expected.Unsigned, expected.Boolean), (actual.Type, actual.Signed, actual.Unsigned, actual.Boolean));
        Assert.Equal(Utf8(expected.Text), Utf8(actual.Text));
    }

    [Fact]
    public void EveryStoreMessageTypeIsCovered()
    {
        string[] declared = typeof(StoreWireValue).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<IpcMessageAttribute>() != null)
            .Select(t => t.FullName!).OrderBy(n => n).ToArray();
        Assert.Equal(declared, Covered.Select(t => t.FullName!).OrderBy(n => n));
    }

    [Property(MaxTest = 1000)]
    public void ValueMatchesMessagePack(byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text)
    {
        StoreWireValueMirror mirror = ValueMirror(type, signed, unsigned, boolean, text.Get);
        byte[] ours = Ours((ref MessagePackWriter w) => Value(mirror).Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreWireValue.TryDecode(ref reader, out StoreWireValue decoded) && reader.End);
        SameValue(mirror, decoded);
        SameValue(mirror, MessagePackSerializer.Deserialize<StoreWireValueMirror>(ours));
    }

    [Property(MaxTest = 1000)]
    public void NameRequestMatchesMessagePack(NonNull<string> name)
    {
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreNameRequest { Name = Utf8(name.Get) }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(new StoreNameRequestMirror { Name = name.Get });
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreNameRequest.TryDecode(ref reader, out StoreNameRequest decoded) && reader.End);
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        Assert.Equal(Utf8(name.Get), Utf8(MessagePackSerializer.Deserialize<StoreNameRequestMirror>(ours).Name));
    }

    [Property(MaxTest = 1000)]
    public void SetRequestMatchesMessagePack(NonNull<string> name, byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text)
    {
        StoreSetRequestMirror mirror = new() { Name = name.Get, Value = ValueMirror(type, signed, unsigned, boolean, text.Get) };
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreSetRequest { Name = Utf8(mirror.Name), Value = Value(mirror.Value) }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreSetRequest.TryDecode(ref reader, out StoreSetRequest decoded) && reader.End);
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        SameValue(mirror.Value, decoded.Value);
        StoreSetRequestMirror back = MessagePackSerializer.Deserialize<StoreSetRequestMirror>(ours);
        Assert.Equal(Utf8(name.Get), Utf8(back.Name));
        SameValue(mirror.Value, back.Value);
    }

    [Property(MaxTest = 1000)]
    public void RegisterRequestMatchesMessagePack(NonNull<string> name, byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text, bool writable,
        byte boundType, long low, ulong high)
    {
        StoreRegisterRequestMirror mirror = new()
        {
            Name = name.Get, Value = ValueMirror(type, signed, unsigned, boolean, text.Get), Writable = writable,
            Minimum = ValueMirror(boundType, low, (ulong)low, false, ""), Maximum = ValueMirror(boundType, (long)high, high, true, ""),
        };
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreRegisterRequest
        {
            Name = Utf8(mirror.Name), Value = Value(mirror.Value), Writable = writable, Minimum = Value(mirror.Minimum), Maximum = Value(mirror.Maximum),
        }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreRegisterRequest.TryDecode(ref reader, out StoreRegisterRequest decoded) && reader.End);
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        Assert.Equal(writable, decoded.Writable);
        SameValue(mirror.Value, decoded.Value);
        SameValue(mirror.Minimum, decoded.Minimum);
        SameValue(mirror.Maximum, decoded.Maximum);
        StoreRegisterRequestMirror back = MessagePackSerializer.Deserialize<StoreRegisterRequestMirror>(ours);
        Assert.Equal(writable, back.Writable);
        SameValue(mirror.Value, back.Value);
        SameValue(mirror.Minimum, back.Minimum);
        SameValue(mirror.Maximum, back.Maximum);
    }

    /// <summary>A register request from a peer that predates the bounds (three fields) still
    /// decodes: the bounds read as None, so the entry is unbounded.</summary>
    [Property(MaxTest = 1000)]
    public void RegisterRequestWithoutBoundsDecodesUnbounded(NonNull<string> name, ulong unsigned, bool writable)
    {
        byte[] theirs = MessagePackSerializer.Serialize(new object[] { name.Get, new object[] { (byte)StoreType.Unsigned, 0L, unsigned, false, "" }, writable });
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreRegisterRequest.TryDecode(ref reader, out StoreRegisterRequest decoded) && reader.End);
        Assert.Equal(unsigned, decoded.Value.Unsigned);
        Assert.Equal(StoreType.None, decoded.Minimum.Type);
        Assert.Equal(StoreType.None, decoded.Maximum.Type);
    }

    [Property(MaxTest = 1000)]
    public void ListRequestMatchesMessagePack(NonNull<string> prefix, NonNull<string> after)
    {
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreListRequest { Prefix = Utf8(prefix.Get), After = Utf8(after.Get) }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(new StoreListRequestMirror { Prefix = prefix.Get, After = after.Get });
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreListRequest.TryDecode(ref reader, out StoreListRequest decoded) && reader.End);
        Assert.True(decoded.Prefix.SequenceEqual(Utf8(prefix.Get)) && decoded.After.SequenceEqual(Utf8(after.Get)));
        StoreListRequestMirror back = MessagePackSerializer.Deserialize<StoreListRequestMirror>(ours);
        Assert.Equal(Utf8(prefix.Get), Utf8(back.Prefix));
        Assert.Equal(Utf8(after.Get), Utf8(back.After));
    }

    [Fact]
    public void PollRequestIsAnEmptyArrayBothWays()
    {
        byte[] ours = Ours((ref MessagePackWriter w) => new StorePollRequest().Encode(ref w));
        Assert.Equal(MessagePackSerializer.Serialize(new StorePollRequestMirror()), ours);
        Assert.Equal(new byte[] { 0x90 }, ours);
        MessagePackReader reader = new MessagePackReader(MessagePackSerializer.Serialize(new object[] { 7 }));
        Assert.True(StorePollRequest.TryDecode(ref reader, out _) && reader.End); // a newer client's field is skipped
        Assert.NotNull(MessagePackSerializer.Deserialize<StorePollRequestMirror>(ours));
    }

    [Property(MaxTest = 1000)]
    public void StatusReplyMatchesMessagePack(byte status)
    {
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreStatusReply { Status = (StoreStatus)status }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(new StoreStatusReplyMirror { Status = (StoreStatus)status });
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreStatusReply.TryDecode(ref reader, out StoreStatusReply decoded) && reader.End);
        Assert.Equal((StoreStatus)status, decoded.Status);
        Assert.Equal((StoreStatus)status, MessagePackSerializer.Deserialize<StoreStatusReplyMirror>(ours).Status);
    }

    [Property(MaxTest = 1000)]
    public void GetReplyMatchesMessagePack(byte status, byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text)
    {
        StoreGetReplyMirror mirror = new() { Status = (StoreStatus)status, Value = ValueMirror(type, signed, unsigned, boolean, text.Get) };
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreGetReply { Status = mirror.Status, Value = Value(mirror.Value) }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreGetReply.TryDecode(ref reader, out StoreGetReply decoded) && reader.End);
        Assert.Equal(mirror.Status, decoded.Status);
        SameValue(mirror.Value, decoded.Value);
        StoreGetReplyMirror back = MessagePackSerializer.Deserialize<StoreGetReplyMirror>(ours);
        Assert.Equal(mirror.Status, back.Status);
        SameValue(mirror.Value, back.Value);
    }

    [Property(MaxTest = 1000)]
    public void ListReplyMatchesMessagePack(byte status, bool found, NonNull<string> name, byte type)
    {
        StoreListReplyMirror mirror = new() { Status = (StoreStatus)status, Found = found, Name = name.Get, Type = (StoreType)type };
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreListReply { Status = mirror.Status, Found = found, Name = Utf8(name.Get), Type = mirror.Type }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreListReply.TryDecode(ref reader, out StoreListReply decoded) && reader.End);
        Assert.Equal((mirror.Status, found, mirror.Type), (decoded.Status, decoded.Found, decoded.Type));
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        StoreListReplyMirror back = MessagePackSerializer.Deserialize<StoreListReplyMirror>(ours);
        Assert.Equal((mirror.Status, found, mirror.Type), (back.Status, back.Found, back.Type));
        Assert.Equal(Utf8(name.Get), Utf8(back.Name));
    }

    [Property(MaxTest = 1000)]
    public void EventReplyMatchesMessagePack(byte status, bool found, byte kind, NonNull<string> name, byte type, long signed, ulong unsigned, NonNull<string> text, uint pending, ulong dropped)
    {
        StoreEventReplyMirror mirror = new()
        {
            Status = (StoreStatus)status, Found = found, Kind = (StoreEventKind)kind, Name = name.Get,
            Value = ValueMirror(type, signed, unsigned, (signed & 1) != 0, text.Get), Pending = pending, Dropped = dropped,
        };
        byte[] ours = Ours((ref MessagePackWriter w) => new StoreEventReply
        {
            Status = mirror.Status, Found = found, Kind = mirror.Kind, Name = Utf8(name.Get), Value = Value(mirror.Value),
            Pending = pending, Dropped = dropped,
        }.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(StoreEventReply.TryDecode(ref reader, out StoreEventReply decoded) && reader.End);
        Assert.Equal((mirror.Status, found, mirror.Kind, pending, dropped), (decoded.Status, decoded.Found, decoded.Kind, decoded.Pending, decoded.Dropped));
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        SameValue(mirror.Value, decoded.Value);
        StoreEventReplyMirror back = MessagePackSerializer.Deserialize<StoreEventReplyMirror>(ours);
        Assert.Equal((mirror.Status, found, mirror.Kind, pending, dropped), (back.Status, back.Found, back.Kind, back.Pending, back.Dropped));
        SameValue(mirror.Value, back.Value);
    }
}
