using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using MessagePack;
using Microkernel.Services.Contracts;
using Microkernel.Store.Tests.Mirrors;
using Xunit;
using static Microkernel.Tests.WireCompatibility;
using MessagePackWriter = Microkernel.Ipc.MessagePackWriter;

namespace Microkernel.Store.Tests;

/// <summary>
/// Every IStore message against the MessagePack NuGet library, both ways (the shared harness,
/// tests/Shared/WireCompatibility.cs): our encoding equals theirs byte for byte, we decode
/// their bytes and they decode ours to the same values.
/// </summary>
public sealed class StoreWireCompatibilityProperties
{
    private static readonly Type[] s_covered =
    {
        typeof(StoreWireValue), typeof(StoreNameRequest), typeof(StoreSetRequest), typeof(StoreRegisterRequest),
        typeof(StoreListRequest), typeof(StorePollRequest), typeof(StoreStatusReply), typeof(StoreGetReply),
        typeof(StoreListReply), typeof(StoreEventReply),
    };

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
        AssertCovered(s_covered, typeof(StoreWireValue).Assembly);
    }

    [Property(MaxTest = 1000)]
    public void ValueMatchesMessagePack(byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text)
    {
        StoreWireValueMirror mirror = ValueMirror(type, signed, unsigned, boolean, text.Get);
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => Value(mirror).Encode(ref w));
        StoreWireValue decoded = DecodeAll<StoreWireValue>(ours, StoreWireValue.TryDecode);
        SameValue(mirror, decoded);
        SameValue(mirror, TheirDecoding<StoreWireValueMirror>(ours));
    }

    [Property(MaxTest = 1000)]
    public void NameRequestMatchesMessagePack(NonNull<string> name)
    {
        byte[] ours = SameBytes(new StoreNameRequestMirror { Name = name.Get }, (ref MessagePackWriter w) => new StoreNameRequest { Name = Utf8(name.Get) }.Encode(ref w));
        StoreNameRequest decoded = DecodeAll<StoreNameRequest>(ours, StoreNameRequest.TryDecode);
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        Assert.Equal(Utf8(name.Get), Utf8(TheirDecoding<StoreNameRequestMirror>(ours).Name));
    }

    [Property(MaxTest = 1000)]
    public void SetRequestMatchesMessagePack(NonNull<string> name, byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text)
    {
        StoreSetRequestMirror mirror = new() { Name = name.Get, Value = ValueMirror(type, signed, unsigned, boolean, text.Get) };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => new StoreSetRequest { Name = Utf8(mirror.Name), Value = Value(mirror.Value) }.Encode(ref w));
        StoreSetRequest decoded = DecodeAll<StoreSetRequest>(ours, StoreSetRequest.TryDecode);
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        SameValue(mirror.Value, decoded.Value);
        StoreSetRequestMirror back = TheirDecoding<StoreSetRequestMirror>(ours);
        Assert.Equal(Utf8(name.Get), Utf8(back.Name));
        SameValue(mirror.Value, back.Value);
    }

    [Property(MaxTest = 1000)]
    public void RegisterRequestMatchesMessagePack(NonNull<string> name, byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text, bool writable,
        byte boundType, long low, ulong high)
    {
        StoreRegisterRequestMirror mirror = new()
        {
            Name = name.Get,
            Value = ValueMirror(type, signed, unsigned, boolean, text.Get),
            Writable = writable,
            Minimum = ValueMirror(boundType, low, (ulong)low, false, ""),
            Maximum = ValueMirror(boundType, (long)high, high, true, ""),
        };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => new StoreRegisterRequest
        {
            Name = Utf8(mirror.Name),
            Value = Value(mirror.Value),
            Writable = writable,
            Minimum = Value(mirror.Minimum),
            Maximum = Value(mirror.Maximum),
        }.Encode(ref w));
        StoreRegisterRequest decoded = DecodeAll<StoreRegisterRequest>(ours, StoreRegisterRequest.TryDecode);
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        Assert.Equal(writable, decoded.Writable);
        SameValue(mirror.Value, decoded.Value);
        SameValue(mirror.Minimum, decoded.Minimum);
        SameValue(mirror.Maximum, decoded.Maximum);
        StoreRegisterRequestMirror back = TheirDecoding<StoreRegisterRequestMirror>(ours);
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
        StoreRegisterRequest decoded = DecodeAll<StoreRegisterRequest>(theirs, StoreRegisterRequest.TryDecode);
        Assert.Equal(unsigned, decoded.Value.Unsigned);
        Assert.Equal(StoreType.None, decoded.Minimum.Type);
        Assert.Equal(StoreType.None, decoded.Maximum.Type);
    }

    [Property(MaxTest = 1000)]
    public void ListRequestMatchesMessagePack(NonNull<string> prefix, NonNull<string> after)
    {
        byte[] ours = SameBytes(new StoreListRequestMirror { Prefix = prefix.Get, After = after.Get }, (ref MessagePackWriter w) => new StoreListRequest { Prefix = Utf8(prefix.Get), After = Utf8(after.Get) }.Encode(ref w));
        StoreListRequest decoded = DecodeAll<StoreListRequest>(ours, StoreListRequest.TryDecode);
        Assert.True(decoded.Prefix.SequenceEqual(Utf8(prefix.Get)) && decoded.After.SequenceEqual(Utf8(after.Get)));
        StoreListRequestMirror back = TheirDecoding<StoreListRequestMirror>(ours);
        Assert.Equal(Utf8(prefix.Get), Utf8(back.Prefix));
        Assert.Equal(Utf8(after.Get), Utf8(back.After));
    }

    [Fact]
    public void PollRequestIsAnEmptyArrayBothWays()
    {
        byte[] ours = SameBytes(new StorePollRequestMirror(), (ref MessagePackWriter w) => new StorePollRequest().Encode(ref w));
        Assert.Equal(new byte[] { 0x90 }, ours);
        DecodeAll<StorePollRequest>(MessagePackSerializer.Serialize(new object[] { 7 }), StorePollRequest.TryDecode); // a newer client's field is skipped
        Assert.NotNull(TheirDecoding<StorePollRequestMirror>(ours));
    }

    [Property(MaxTest = 1000)]
    public void StatusReplyMatchesMessagePack(byte status)
    {
        byte[] ours = SameBytes(new StoreStatusReplyMirror { Status = (StoreStatus)status }, (ref MessagePackWriter w) => new StoreStatusReply { Status = (StoreStatus)status }.Encode(ref w));
        StoreStatusReply decoded = DecodeAll<StoreStatusReply>(ours, StoreStatusReply.TryDecode);
        Assert.Equal((StoreStatus)status, decoded.Status);
        Assert.Equal((StoreStatus)status, TheirDecoding<StoreStatusReplyMirror>(ours).Status);
    }

    [Property(MaxTest = 1000)]
    public void GetReplyMatchesMessagePack(byte status, byte type, long signed, ulong unsigned, bool boolean, NonNull<string> text)
    {
        StoreGetReplyMirror mirror = new() { Status = (StoreStatus)status, Value = ValueMirror(type, signed, unsigned, boolean, text.Get) };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => new StoreGetReply { Status = mirror.Status, Value = Value(mirror.Value) }.Encode(ref w));
        StoreGetReply decoded = DecodeAll<StoreGetReply>(ours, StoreGetReply.TryDecode);
        Assert.Equal(mirror.Status, decoded.Status);
        SameValue(mirror.Value, decoded.Value);
        StoreGetReplyMirror back = TheirDecoding<StoreGetReplyMirror>(ours);
        Assert.Equal(mirror.Status, back.Status);
        SameValue(mirror.Value, back.Value);
    }

    [Property(MaxTest = 1000)]
    public void ListReplyMatchesMessagePack(byte status, bool found, NonNull<string> name, byte type)
    {
        StoreListReplyMirror mirror = new() { Status = (StoreStatus)status, Found = found, Name = name.Get, Type = (StoreType)type };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => new StoreListReply { Status = mirror.Status, Found = found, Name = Utf8(name.Get), Type = mirror.Type }.Encode(ref w));
        StoreListReply decoded = DecodeAll<StoreListReply>(ours, StoreListReply.TryDecode);
        Assert.Equal((mirror.Status, found, mirror.Type), (decoded.Status, decoded.Found, decoded.Type));
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        StoreListReplyMirror back = TheirDecoding<StoreListReplyMirror>(ours);
        Assert.Equal((mirror.Status, found, mirror.Type), (back.Status, back.Found, back.Type));
        Assert.Equal(Utf8(name.Get), Utf8(back.Name));
    }

    [Property(MaxTest = 1000)]
    public void EventReplyMatchesMessagePack(byte status, bool found, byte kind, NonNull<string> name, byte type, long signed, ulong unsigned, NonNull<string> text, uint pending, ulong dropped)
    {
        StoreEventReplyMirror mirror = new()
        {
            Status = (StoreStatus)status,
            Found = found,
            Kind = (StoreEventKind)kind,
            Name = name.Get,
            Value = ValueMirror(type, signed, unsigned, (signed & 1) != 0, text.Get),
            Pending = pending,
            Dropped = dropped,
        };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => new StoreEventReply
        {
            Status = mirror.Status,
            Found = found,
            Kind = mirror.Kind,
            Name = Utf8(name.Get),
            Value = Value(mirror.Value),
            Pending = pending,
            Dropped = dropped,
        }.Encode(ref w));
        StoreEventReply decoded = DecodeAll<StoreEventReply>(ours, StoreEventReply.TryDecode);
        Assert.Equal((mirror.Status, found, mirror.Kind, pending, dropped), (decoded.Status, decoded.Found, decoded.Kind, decoded.Pending, decoded.Dropped));
        Assert.True(decoded.Name.SequenceEqual(Utf8(name.Get)));
        SameValue(mirror.Value, decoded.Value);
        StoreEventReplyMirror back = TheirDecoding<StoreEventReplyMirror>(ours);
        Assert.Equal((mirror.Status, found, mirror.Kind, pending, dropped), (back.Status, back.Found, back.Kind, back.Pending, back.Dropped));
        SameValue(mirror.Value, back.Value);
    }
}
