using System;
using System.Collections.Generic;
using FsCheck;
using FsCheck.Xunit;
using MessagePack;
using Microkernel.Ipc;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>The writer and reader on their own, against the MessagePack library, and on garbage.</summary>
public sealed class MessagePackCodecProperties
{
    private static byte[] Write(Action<MessagePackWriterBox> write)
    {
        MessagePackWriterBox box = new();
        write(box);
        return box.Bytes();
    }

    /// <summary>Lets lambdas drive a writer (a ref struct cannot be captured).</summary>
    private sealed class MessagePackWriterBox
    {
        private readonly List<Func<byte[]>> _parts = new();

        public void Int(long v) => _parts.Add(() => Run(v, static (long x, ref MessagePackWriter w) => w.WriteInt64(x)));

        public void UInt(ulong v) => _parts.Add(() => Run(v, static (ulong x, ref MessagePackWriter w) => w.WriteUInt64(x)));

        public byte[] Bytes()
        {
            List<byte> all = new();
            foreach (Func<byte[]> part in _parts)
            {
                all.AddRange(part());
            }

            return all.ToArray();
        }

        private delegate void Step<T>(T value, ref MessagePackWriter writer);

        private static byte[] Run<T>(T value, Step<T> step)
        {
            byte[] buffer = new byte[16];
            var writer = new MessagePackWriter(buffer);
            step(value, ref writer);
            return writer.Written.ToArray();
        }
    }

    [Property(MaxTest = 1000)]
    public void SignedIntegersMatchTheLibraryAndRoundTrip(long value)
    {
        byte[] ours = Write(b => b.Int(value));
        Assert.Equal(MessagePackSerializer.Serialize(value), ours);
        var reader = new MessagePackReader(ours);
        Assert.True(reader.TryReadInt64(out long back));
        Assert.Equal(value, back);
        Assert.True(reader.End);
    }

    [Property(MaxTest = 1000)]
    public void UnsignedIntegersMatchTheLibraryAndRoundTrip(ulong value)
    {
        byte[] ours = Write(b => b.UInt(value));
        Assert.Equal(MessagePackSerializer.Serialize(value), ours);
        var reader = new MessagePackReader(ours);
        Assert.True(reader.TryReadUInt64(out ulong back));
        Assert.Equal(value, back);
    }

    [Property(MaxTest = 1000)]
    public void NarrowReadersAcceptExactlyTheirRange(long value)
    {
        byte[] bytes = MessagePackSerializer.Serialize(value);
        var r = new MessagePackReader(bytes);
        Assert.Equal(value >= int.MinValue && value <= int.MaxValue, r.TryReadInt32(out _));
        r = new MessagePackReader(bytes);
        Assert.Equal(value >= 0 && value <= uint.MaxValue, r.TryReadUInt32(out _));
        r = new MessagePackReader(bytes);
        Assert.Equal(value >= short.MinValue && value <= short.MaxValue, r.TryReadInt16(out _));
        r = new MessagePackReader(bytes);
        Assert.Equal(value >= 0 && value <= ushort.MaxValue, r.TryReadUInt16(out _));
        r = new MessagePackReader(bytes);
        Assert.Equal(value >= sbyte.MinValue && value <= sbyte.MaxValue, r.TryReadSByte(out _));
        r = new MessagePackReader(bytes);
        Assert.Equal(value >= 0 && value <= byte.MaxValue, r.TryReadByte(out _));
    }

    [Property(MaxTest = 1000)]
    public void ContainersStringsAndBinariesMatchTheLibrary(NonNull<string> text, byte[] blob, bool flag, int count)
    {
        blob ??= Array.Empty<byte>();
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text.Get);
        int entries = Math.Abs(count % 40);
        object?[] array = new object?[entries];
        // Typed keys: MessagePack-CSharp writes boxed (object) integers in their full width, typed ones compactly.
        Dictionary<int, byte[]> map = new();
        for (int i = 0; i < entries; i++)
        {
            array[i] = i % 3 == 0 ? null : i % 3 == 1 ? (object)flag : text.Get;
            map[i] = blob;
        }

        byte[] theirs = MessagePackSerializer.Serialize(new object?[] { text.Get, blob, array, map });
        byte[] buffer = new byte[theirs.Length];
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(4);
        w.WriteString(utf8);
        w.WriteBinary(blob);
        w.WriteArrayHeader((uint)entries);
        for (int i = 0; i < entries; i++)
        {
            if (i % 3 == 0)
            {
                w.WriteNil();
            }
            else if (i % 3 == 1)
            {
                w.WriteBoolean(flag);
            }
            else
            {
                w.WriteString(utf8);
            }
        }

        w.WriteMapHeader((uint)entries);
        for (int i = 0; i < entries; i++)
        {
            w.WriteInt64(i);
            w.WriteBinary(blob);
        }

        Assert.False(w.Overflowed);
        Assert.Equal(theirs, w.Written.ToArray());

        var r = new MessagePackReader(theirs);
        Assert.True(r.TryReadArrayHeader(out uint outer));
        Assert.Equal(4u, outer);
        Assert.True(r.TryReadString(out ReadOnlySpan<byte> s));
        Assert.True(s.SequenceEqual(utf8));
        Assert.True(r.TryReadBinary(out ReadOnlySpan<byte> b));
        Assert.True(b.SequenceEqual(blob));
        Assert.True(r.TrySkip());
        Assert.True(r.TryReadMapHeader(out uint pairs));
        Assert.Equal((uint)entries, pairs);
        for (int i = 0; i < entries; i++)
        {
            Assert.True(r.TryReadInt32(out int key));
            Assert.Equal(i, key);
            Assert.True(r.TryReadBinary(out b));
        }

        Assert.True(r.End);
    }

    [Property(MaxTest = 1000)]
    public void WriterNeverWritesPastItsBuffer(NonNull<string> text, int room)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text.Get);
        int size = Math.Abs(room % 64);
        byte[] buffer = new byte[size + 8];
        var w = new MessagePackWriter(buffer.AsSpan(0, size));
        w.WriteString(utf8);
        w.WriteInt64(long.MinValue);
        w.WriteArrayHeader(70000);
        Assert.True(w.Position <= size);
        int header = utf8.Length <= 31 ? 1 : utf8.Length <= 255 ? 2 : utf8.Length <= 65535 ? 3 : 5;
        Assert.Equal(header + utf8.Length + 9 + 5 > size, w.Overflowed);
        Assert.All(buffer.AsSpan(size).ToArray(), x => Assert.Equal(0, x));
    }

    /// <summary>Garbage in: every reader call returns true or false, skipping terminates, nothing throws.</summary>
    [Property(MaxTest = 2000)]
    public void ReaderSurvivesGarbage(byte[] garbage)
    {
        garbage ??= Array.Empty<byte>();
        var r = new MessagePackReader(garbage);
        int steps = 0;
        while (!r.End && r.TrySkip())
        {
            Assert.True(++steps <= garbage.Length);
        }

        r = new MessagePackReader(garbage);
        _ = r.TryReadArrayHeader(out uint count);
        Assert.True(count <= (uint)garbage.Length);
        _ = r.TryReadString(out ReadOnlySpan<byte> s);
        _ = r.TryReadBinary(out ReadOnlySpan<byte> b);
        Assert.True(s.Length <= garbage.Length && b.Length <= garbage.Length);
        _ = r.TryReadInt64(out _);
        _ = r.TryReadUInt64(out _);
        _ = r.TryReadBoolean(out _);
        _ = r.TryReadMapHeader(out _);
        Assert.True(r.Position <= garbage.Length);
    }

    [Fact]
    public void DeepNestingIsSkippedWithoutRecursion()
    {
        byte[] deep = new byte[200_000];
        Array.Fill(deep, (byte)0x91); // [[[[...]]]] two hundred thousand levels deep
        deep[^1] = 0xc0;
        var r = new MessagePackReader(deep);
        Assert.True(r.TrySkip());
        Assert.True(r.End);
        var truncated = new MessagePackReader(deep.AsSpan(0, deep.Length - 1));
        Assert.False(truncated.TrySkip());
        Assert.Equal(0, truncated.Position);
    }
}
