using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using Microkernel.Ipc;
using Microkernel.Ipc.Tests.Contracts;
using Microkernel.Ipc.Tests.Mirrors;
using Xunit;
using static Microkernel.Tests.WireCompatibility;

namespace Microkernel.Ipc.Tests;

/// <summary>
/// Every contract type against the MessagePack NuGet library, both ways (the shared harness,
/// tests/Shared/WireCompatibility.cs): our encoding equals theirs byte for byte, the exact-size
/// fast path writes the same bytes, we decode their bytes, and they decode ours, to the same values.
/// </summary>
public sealed class WireCompatibilityProperties
{
    /// <summary>The message types these properties cover; a new [IpcMessage] type must be added here (see the test below).</summary>
    private static readonly Type[] s_covered =
    {
        typeof(PutRequest), typeof(PutReply), typeof(GetRequest), typeof(GetReply),
        typeof(AllScalars), typeof(Stamp), typeof(Envelope), typeof(ErrorReply),
    };

    [Fact]
    public void EveryMessageTypeIsCovered()
    {
        AssertCovered(s_covered, typeof(ErrorReply).Assembly, typeof(WireCompatibilityProperties).Assembly);
    }

    [Property(MaxTest = 1000)]
    public void PutRequestMatchesMessagePack(NonNull<string> key, byte[] value, bool overwrite, uint ttl)
    {
        PutRequestMirror mirror = new() { Key = key.Get, Value = value ?? Array.Empty<byte>(), Overwrite = overwrite, TimeToLive = ttl };
        byte[] keyBytes = Utf8(mirror.Key);
        PutRequest Make() => new PutRequest { Key = keyBytes, Value = mirror.Value, Overwrite = overwrite, TimeToLive = ttl };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => Make().Encode(ref w));
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }

        PutRequest decoded = DecodeAll<PutRequest>(ours, PutRequest.TryDecode);
        Assert.True(decoded.Key.SequenceEqual(keyBytes));
        Assert.True(decoded.Value.SequenceEqual(mirror.Value));
        Assert.Equal(overwrite, decoded.Overwrite);
        Assert.Equal(ttl, decoded.TimeToLive);

        PutRequestMirror back = TheirDecoding<PutRequestMirror>(ours);
        Assert.Equal(keyBytes, Utf8(back.Key));
        Assert.Equal(mirror.Value, back.Value);
        Assert.Equal(overwrite, back.Overwrite);
        Assert.Equal(ttl, back.TimeToLive);
    }

    [Property(MaxTest = 1000)]
    public void PutReplyMatchesMessagePack(bool stored, long version)
    {
        var value = new PutReply { Stored = stored, Version = version };
        byte[] ours = SameBytes(new PutReplyMirror { Stored = stored, Version = version }, (ref MessagePackWriter w) => value.Encode(ref w));
        unsafe
        {
            Assert.Equal(ours, Exact(value.EncodedSize(), p => value.EncodeTo(p)));
        }

        PutReply decoded = DecodeAll<PutReply>(ours, PutReply.TryDecode);
        Assert.Equal((stored, version), (decoded.Stored, decoded.Version));
        PutReplyMirror back = TheirDecoding<PutReplyMirror>(ours);
        Assert.Equal((stored, version), (back.Stored, back.Version));
    }

    [Property(MaxTest = 1000)]
    public void GetRequestMatchesMessagePack(NonNull<string> key)
    {
        byte[] keyBytes = Utf8(key.Get);
        GetRequest Make() => new GetRequest { Key = keyBytes };
        byte[] ours = SameBytes(new GetRequestMirror { Key = key.Get }, (ref MessagePackWriter w) => Make().Encode(ref w));
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }

        Assert.True(DecodeAll<GetRequest>(ours, GetRequest.TryDecode).Key.SequenceEqual(keyBytes));
        Assert.Equal(keyBytes, Utf8(TheirDecoding<GetRequestMirror>(ours).Key));
    }

    [Property(MaxTest = 1000)]
    public void GetReplyMatchesMessagePack(bool found, byte[] value, long version)
    {
        value ??= Array.Empty<byte>();
        GetReply Make() => new GetReply { Found = found, Value = value, Version = version };
        byte[] ours = SameBytes(new GetReplyMirror { Found = found, Value = value, Version = version }, (ref MessagePackWriter w) => Make().Encode(ref w));
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }

        GetReply decoded = DecodeAll<GetReply>(ours, GetReply.TryDecode);
        Assert.Equal((found, version), (decoded.Found, decoded.Version));
        Assert.True(decoded.Value.SequenceEqual(value));
        GetReplyMirror back = TheirDecoding<GetReplyMirror>(ours);
        Assert.Equal((found, version), (back.Found, back.Version));
        Assert.Equal(value, back.Value);
    }

    [Property(MaxTest = 1000)]
    public void AllScalarsMatchesMessagePack(sbyte i8, byte u8, short i16, ushort u16, int i32, uint u32, long i64, ulong u64, bool flag, int colorPick)
    {
        Color color = new[] { Color.Red, Color.Green, Color.Blue }[Math.Abs(colorPick % 3)];
        AllScalars value = new() { I8 = i8, U8 = u8, I16 = i16, U16 = u16, I32 = i32, U32 = u32, I64 = i64, U64 = u64, Color = color, Flag = flag };
        AllScalarsMirror mirror = new() { I8 = i8, U8 = u8, I16 = i16, U16 = u16, I32 = i32, U32 = u32, I64 = i64, U64 = u64, Color = color, Flag = flag };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => value.Encode(ref w));
        unsafe
        {
            Assert.Equal(ours, Exact(value.EncodedSize(), p => value.EncodeTo(p)));
        }

        Assert.Equal(value, DecodeAll<AllScalars>(ours, AllScalars.TryDecode));
        AllScalarsMirror back = TheirDecoding<AllScalarsMirror>(ours);
        Assert.Equal(
            (i8, u8, i16, u16, i32, u32, i64, u64, color, flag),
            (back.I8, back.U8, back.I16, back.U16, back.I32, back.U32, back.I64, back.U64, back.Color, back.Flag));
    }

    [Property(MaxTest = 1000)]
    public void EnvelopeMatchesMessagePack(ulong seconds, uint nanos, NonNull<string> note, ulong expires)
    {
        byte[] noteBytes = Utf8(note.Get);
        EnvelopeMirror mirror = new()
        {
            Stamp = new StampMirror { Seconds = seconds, Nanoseconds = nanos },
            Note = note.Get,
            Expires = new StampMirror { Seconds = expires },
        };
        Envelope Make() => new Envelope
        {
            Stamp = new Stamp { Seconds = seconds, Nanoseconds = nanos },
            Note = noteBytes,
            Expires = new Stamp { Seconds = expires },
        };
        byte[] ours = SameBytes(mirror, (ref MessagePackWriter w) => Make().Encode(ref w));
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }

        SameBytes(mirror.Stamp, (ref MessagePackWriter w) => new Stamp { Seconds = seconds, Nanoseconds = nanos }.Encode(ref w));

        Envelope decoded = DecodeAll<Envelope>(ours, Envelope.TryDecode);
        Assert.Equal((seconds, nanos, expires), (decoded.Stamp.Seconds, decoded.Stamp.Nanoseconds, decoded.Expires.Seconds));
        Assert.True(decoded.Note.SequenceEqual(noteBytes));
        EnvelopeMirror back = TheirDecoding<EnvelopeMirror>(ours);
        Assert.Equal((seconds, nanos, expires), (back.Stamp.Seconds, back.Stamp.Nanoseconds, back.Expires.Seconds));
    }

    [Property(MaxTest = 1000)]
    public void ErrorReplyMatchesMessagePack(ushort code)
    {
        var error = (IpcErrorCode)code;
        var value = new ErrorReply { Code = error };
        byte[] ours = SameBytes(new ErrorReplyMirror { Code = error }, (ref MessagePackWriter w) => value.Encode(ref w));
        unsafe
        {
            Assert.Equal(ours, Exact(value.EncodedSize(), p => value.EncodeTo(p)));
        }

        Assert.Equal(error, DecodeAll<ErrorReply>(ours, ErrorReply.TryDecode).Code);
        Assert.Equal(error, TheirDecoding<ErrorReplyMirror>(ours).Code);
    }

    [Fact]
    public void MissingTrailingFieldsDefaultAndExtraOnesAreSkipped()
    {
        // An older peer sends only the first field; a newer one sends an extra map field.
        PutReply older = DecodeAll<PutReply>(MessagePack.MessagePackSerializer.Serialize(new object[] { true }), PutReply.TryDecode);
        Assert.True(older.Stored);
        Assert.Equal(0, older.Version);

        byte[] longer = MessagePack.MessagePackSerializer.Serialize(new object[] { false, 42L, new System.Collections.Generic.Dictionary<string, object> { ["x"] = new object[] { 1, "y", null! } } });
        Assert.Equal(42, DecodeAll<PutReply>(longer, PutReply.TryDecode).Version);
    }
}
