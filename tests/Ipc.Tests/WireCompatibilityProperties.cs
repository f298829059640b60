using System;
using System.Linq;
using System.Reflection;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using MessagePack;
using Microkernel.Ipc;
using Microkernel.Ipc.Tests.Contracts;
using Microkernel.Ipc.Tests.Mirrors;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>
/// Every contract type against the MessagePack NuGet library, both ways: our encoding equals
/// theirs byte for byte, we decode their bytes, and they decode ours, to the same values.
/// </summary>
public sealed class WireCompatibilityProperties
{
    private delegate void Encoder(ref MessagePackWriter writer);

    /// <summary>The message types these properties cover; a new [IpcMessage] type must be added here (see the test below).</summary>
    private static readonly Type[] Covered =
    {
        typeof(PutRequest), typeof(PutReply), typeof(GetRequest), typeof(GetReply),
        typeof(AllScalars), typeof(Stamp), typeof(Envelope), typeof(ErrorReply),
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

    private unsafe delegate byte* ExactEncoder(byte* destination);

    /// <summary>
    /// The generated fast path (EncodedSize, then EncodeTo): writes exactly the size it announced,
    /// nothing past it, and (checked by the callers) the same bytes as Encode.
    /// </summary>
    private static unsafe byte[] Exact(int size, ExactEncoder encode)
    {
        byte[] buffer = new byte[size + 32];
        Array.Fill(buffer, (byte)0xA5);
        fixed (byte* start = buffer)
        {
            Assert.Equal(size, (int)(encode(start) - start));
        }

        Assert.All(buffer.Skip(size), b => Assert.Equal(0xA5, b));
        return buffer.Take(size).ToArray();
    }

    [Fact]
    public void EveryMessageTypeIsCovered()
    {
        Type[] declared = new[] { typeof(ErrorReply).Assembly, typeof(WireCompatibilityProperties).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetCustomAttribute<IpcMessageAttribute>() != null)
            .OrderBy(t => t.FullName)
            .ToArray();
        Assert.Equal(declared.Select(t => t.FullName), Covered.OrderBy(t => t.FullName).Select(t => t.FullName));
    }

    [Property(MaxTest = 1000)]
    public void PutRequestMatchesMessagePack(NonNull<string> key, byte[] value, bool overwrite, uint ttl)
    {
        PutRequestMirror mirror = new() { Key = key.Get, Value = value ?? Array.Empty<byte>(), Overwrite = overwrite, TimeToLive = ttl };
        byte[] keyBytes = Utf8(mirror.Key);
        PutRequest Make() => new PutRequest { Key = keyBytes, Value = mirror.Value, Overwrite = overwrite, TimeToLive = ttl };
        byte[] ours = Ours((ref MessagePackWriter w) => Make().Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }

        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(PutRequest.TryDecode(ref reader, out PutRequest decoded));
        Assert.True(reader.End);
        Assert.True(decoded.Key.SequenceEqual(keyBytes));
        Assert.True(decoded.Value.SequenceEqual(mirror.Value));
        Assert.Equal(overwrite, decoded.Overwrite);
        Assert.Equal(ttl, decoded.TimeToLive);

        PutRequestMirror back = MessagePackSerializer.Deserialize<PutRequestMirror>(ours);
        Assert.Equal(keyBytes, Utf8(back.Key));
        Assert.Equal(mirror.Value, back.Value);
        Assert.Equal(overwrite, back.Overwrite);
        Assert.Equal(ttl, back.TimeToLive);
    }

    [Property(MaxTest = 1000)]
    public void PutReplyMatchesMessagePack(bool stored, long version)
    {
        PutReplyMirror mirror = new() { Stored = stored, Version = version };
        PutReply value = new PutReply { Stored = stored, Version = version };
        byte[] ours = Ours((ref MessagePackWriter w) => value.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        unsafe
        {
            Assert.Equal(ours, Exact(value.EncodedSize(), p => value.EncodeTo(p)));
        }

        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(PutReply.TryDecode(ref reader, out PutReply decoded));
        Assert.Equal((stored, version), (decoded.Stored, decoded.Version));
        PutReplyMirror back = MessagePackSerializer.Deserialize<PutReplyMirror>(ours);
        Assert.Equal((stored, version), (back.Stored, back.Version));
    }

    [Property(MaxTest = 1000)]
    public void GetRequestMatchesMessagePack(NonNull<string> key)
    {
        byte[] keyBytes = Utf8(key.Get);
        GetRequest Make() => new GetRequest { Key = keyBytes };
        byte[] ours = Ours((ref MessagePackWriter w) => Make().Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(new GetRequestMirror { Key = key.Get });
        Assert.Equal(theirs, ours);
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }

        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(GetRequest.TryDecode(ref reader, out GetRequest decoded));
        Assert.True(decoded.Key.SequenceEqual(keyBytes));
        Assert.Equal(keyBytes, Utf8(MessagePackSerializer.Deserialize<GetRequestMirror>(ours).Key));
    }

    [Property(MaxTest = 1000)]
    public void GetReplyMatchesMessagePack(bool found, byte[] value, long version)
    {
        value ??= Array.Empty<byte>();
        GetReply Make() => new GetReply { Found = found, Value = value, Version = version };
        byte[] ours = Ours((ref MessagePackWriter w) => Make().Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(new GetReplyMirror { Found = found, Value = value, Version = version });
        Assert.Equal(theirs, ours);
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }

        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(GetReply.TryDecode(ref reader, out GetReply decoded));
        Assert.Equal((found, version), (decoded.Found, decoded.Version));
        Assert.True(decoded.Value.SequenceEqual(value));
        GetReplyMirror back = MessagePackSerializer.Deserialize<GetReplyMirror>(ours);
        Assert.Equal((found, version), (back.Found, back.Version));
        Assert.Equal(value, back.Value);
    }

    [Property(MaxTest = 1000)]
    public void AllScalarsMatchesMessagePack(sbyte i8, byte u8, short i16, ushort u16, int i32, uint u32, long i64, ulong u64, bool flag, int colorPick)
    {
        Color color = new[] { Color.Red, Color.Green, Color.Blue }[Math.Abs(colorPick % 3)];
        AllScalars value = new() { I8 = i8, U8 = u8, I16 = i16, U16 = u16, I32 = i32, U32 = u32, I64 = i64, U64 = u64, Color = color, Flag = flag };
        AllScalarsMirror mirror = new() { I8 = i8, U8 = u8, I16 = i16, U16 = u16, I32 = i32, U32 = u32, I64 = i64, U64 = u64, Color = color, Flag = flag };
        byte[] ours = Ours((ref MessagePackWriter w) => value.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        unsafe
        {
            Assert.Equal(ours, Exact(value.EncodedSize(), p => value.EncodeTo(p)));
        }

        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(AllScalars.TryDecode(ref reader, out AllScalars decoded));
        Assert.Equal(value, decoded);
        AllScalarsMirror back = MessagePackSerializer.Deserialize<AllScalarsMirror>(ours);
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
        byte[] ours = Ours((ref MessagePackWriter w) => Make().Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(mirror);
        Assert.Equal(theirs, ours);
        unsafe
        {
            Assert.Equal(ours, Exact(Make().EncodedSize(), p => Make().EncodeTo(p)));
        }
        Assert.Equal(MessagePackSerializer.Serialize(mirror.Stamp), Ours((ref MessagePackWriter w) => new Stamp { Seconds = seconds, Nanoseconds = nanos }.Encode(ref w)));

        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(Envelope.TryDecode(ref reader, out Envelope decoded));
        Assert.Equal((seconds, nanos, expires), (decoded.Stamp.Seconds, decoded.Stamp.Nanoseconds, decoded.Expires.Seconds));
        Assert.True(decoded.Note.SequenceEqual(noteBytes));
        EnvelopeMirror back = MessagePackSerializer.Deserialize<EnvelopeMirror>(ours);
        Assert.Equal((seconds, nanos, expires), (back.Stamp.Seconds, back.Stamp.Nanoseconds, back.Expires.Seconds));
    }

    [Property(MaxTest = 1000)]
    public void ErrorReplyMatchesMessagePack(ushort code)
    {
        IpcErrorCode error = (IpcErrorCode)code;
        ErrorReply value = new ErrorReply { Code = error };
        byte[] ours = Ours((ref MessagePackWriter w) => value.Encode(ref w));
        byte[] theirs = MessagePackSerializer.Serialize(new ErrorReplyMirror { Code = error });
        Assert.Equal(theirs, ours);
        unsafe
        {
            Assert.Equal(ours, Exact(value.EncodedSize(), p => value.EncodeTo(p)));
        }
        MessagePackReader reader = new MessagePackReader(theirs);
        Assert.True(ErrorReply.TryDecode(ref reader, out ErrorReply decoded));
        Assert.Equal(error, decoded.Code);
        Assert.Equal(error, MessagePackSerializer.Deserialize<ErrorReplyMirror>(ours).Code);
    }

    [Fact]
    public void MissingTrailingFieldsDefaultAndExtraOnesAreSkipped()
    {
        // An older peer sends only the first field; a newer one sends an extra map field.
        byte[] shorter = MessagePackSerializer.Serialize(new object[] { true });
        MessagePackReader reader = new MessagePackReader(shorter);
        Assert.True(PutReply.TryDecode(ref reader, out PutReply older));
        Assert.True(older.Stored);
        Assert.Equal(0, older.Version);

        byte[] longer = MessagePackSerializer.Serialize(new object[] { false, 42L, new System.Collections.Generic.Dictionary<string, object> { ["x"] = new object[] { 1, "y", null! } } });
        reader = new MessagePackReader(longer);
        Assert.True(PutReply.TryDecode(ref reader, out PutReply newer));
        Assert.Equal(42, newer.Version);
        Assert.True(reader.End);
    }
}
