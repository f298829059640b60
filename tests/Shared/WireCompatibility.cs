using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using MessagePack;
using Xunit;
using MessagePackReader = Microkernel.Ipc.MessagePackReader;
using MessagePackWriter = Microkernel.Ipc.MessagePackWriter;

namespace Microkernel.Tests;

/// <summary>
/// The harness that checks our generated codecs against the MessagePack NuGet library, both
/// ways, for any contract: a test builds a message and its mirror (the same fields declared
/// the way MessagePack-CSharp wants them, <c>[Key(n)]</c> in field order), then checks that
/// our bytes equal theirs (<see cref="SameBytes"/>), that the exact-size fast path writes the
/// same bytes (<see cref="Exact"/>), that we decode them (<see cref="DecodeAll"/>) and that
/// they decode ours (<see cref="TheirDecoding"/>). <see cref="AssertCovered"/> keeps the list
/// of checked messages equal to the declared ones. Linked into tests/Ipc.Tests and
/// tests/Store.Tests.
/// </summary>
public static class WireCompatibility
{
    /// <summary>Writes one message with our codec.</summary>
    public delegate void Encoder(ref MessagePackWriter writer);

    /// <summary>Writes one message with the generated exact-size fast path; returns the end.</summary>
    public unsafe delegate byte* ExactEncoder(byte* destination);

    /// <summary>A generated <c>TryDecode</c>.</summary>
    public delegate bool Decoder<T>(scoped ref MessagePackReader reader, out T value)
        where T : allows ref struct;

    /// <summary>Our encoding of a message (fails the test if it overflows 64 KiB).</summary>
    public static byte[] Ours(Encoder encode)
    {
        byte[] buffer = new byte[1 << 16];
        var writer = new MessagePackWriter(buffer);
        encode(ref writer);
        Assert.False(writer.Overflowed);
        return writer.Written.ToArray();
    }

    /// <summary>UTF-8 bytes of <paramref name="s"/>: what a <c>[Utf8]</c> field carries.</summary>
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>
    /// Our encoding, asserted byte for byte equal to MessagePack-CSharp's encoding of
    /// <paramref name="mirror"/>. The bytes returned are therefore theirs as well: decoding
    /// them is decoding theirs.
    /// </summary>
    public static byte[] SameBytes<TMirror>(TMirror mirror, Encoder encode)
    {
        byte[] ours = Ours(encode);
        Assert.Equal(MessagePackSerializer.Serialize(mirror), ours);
        return ours;
    }

    /// <summary>
    /// The generated fast path (EncodedSize, then EncodeTo): writes exactly the size it announced,
    /// nothing past it; returns the bytes so the caller can compare them with Encode's.
    /// </summary>
    public static unsafe byte[] Exact(int size, ExactEncoder encode)
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

    /// <summary>Decodes <paramref name="bytes"/> with our codec, asserting it succeeds and reads them all.</summary>
    public static T DecodeAll<T>(byte[] bytes, Decoder<T> decode)
        where T : allows ref struct
    {
        var reader = new MessagePackReader(bytes);
        Assert.True(decode(ref reader, out T value));
        Assert.True(reader.End);
        return value;
    }

    /// <summary>MessagePack-CSharp's decoding of our bytes into the mirror type.</summary>
    public static TMirror TheirDecoding<TMirror>(byte[] ours) => MessagePackSerializer.Deserialize<TMirror>(ours);

    /// <summary>
    /// Asserts that <paramref name="covered"/> names exactly the <c>[IpcMessage]</c> types the
    /// <paramref name="assemblies"/> declare, so a new message cannot go unchecked.
    /// </summary>
    public static void AssertCovered(IEnumerable<Type> covered, params Assembly[] assemblies)
    {
        string[] declared = assemblies.Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetCustomAttribute<Microkernel.Ipc.IpcMessageAttribute>() != null)
            .Select(t => t.FullName!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(declared, covered.Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal));
    }
}
