using System;
using System.Linq;
using FsCheck.Xunit;
using Microkernel.Ipc;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>
/// <see cref="MessagePackExact"/> (the generated senders' unchecked codec) against
/// <see cref="MessagePackWriter"/>, value by value, over every encoding class: the announced
/// size is what gets written, nothing is written past it, and the bytes are the writer's.
/// FsCheck's integers are small, so each case also tries its value shifted across the whole
/// 64-bit range and every encoding boundary; lengths cover fix, 8-, 16- and 32-bit headers.
/// </summary>
public sealed unsafe class MessagePackExactProperties
{
    private delegate void Encoder(ref MessagePackWriter writer);

    private delegate byte* ExactEncoder(byte* destination);

    private static readonly long[] s_boundaries =
    {
        0, 1, -1, 31, 32, 127, 128, 255, 256, 65535, 65536, uint.MaxValue, (long)uint.MaxValue + 1, long.MaxValue,
        -31, -32, -33, -127, -128, -129, short.MinValue, short.MinValue - 1, int.MinValue, (long)int.MinValue - 1, long.MinValue,
    };

    private static readonly int[] s_lengths = { 0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 65535, 65536, 70000 };

    private static void Same(int size, Encoder encode, ExactEncoder exact)
    {
        byte[] expected = new byte[size + 64];
        var writer = new MessagePackWriter(expected);
        encode(ref writer);
        Assert.False(writer.Overflowed);
        Assert.Equal(writer.Position, size);

        byte[] buffer = new byte[size + 32];
        Array.Fill(buffer, (byte)0xA5);
        fixed (byte* start = buffer)
        {
            Assert.Equal(size, (int)(exact(start) - start));
        }

        Assert.True(buffer.AsSpan(0, size).SequenceEqual(expected.AsSpan(0, size)));
        Assert.All(buffer.Skip(size), b => Assert.Equal(0xA5, b));
    }

    [Property(MaxTest = 1000)]
    public void IntegersMatchTheWriter(long seed, byte shift)
    {
        int k = shift % 64;
        foreach (long value in s_boundaries.Concat(new[] { seed, seed << k, seed >> k, ~(seed << k), 1L << k, -(1L << k), (1L << k) - 1 }))
        {
            Same(MessagePackExact.SizeOfInt64(value), (ref MessagePackWriter w) => w.WriteInt64(value), p => MessagePackExact.WriteInt64(p, value));
            ulong unsigned = (ulong)value;
            Same(MessagePackExact.SizeOfUInt64(unsigned), (ref MessagePackWriter w) => w.WriteUInt64(unsigned), p => MessagePackExact.WriteUInt64(p, unsigned));
            bool flag = (value & 1) != 0;
            Same(1, (ref MessagePackWriter w) => w.WriteBoolean(flag), p => MessagePackExact.WriteBoolean(p, flag));
        }
    }

    [Property(MaxTest = 1000)]
    public void StringsBinariesAndArrayHeadersMatchTheWriter(byte pick, ushort extra, byte fill)
    {
        int length = s_lengths[pick % s_lengths.Length];
        if (pick >= s_lengths.Length * 8)
        {
            length = extra; // also any 16-bit length
        }

        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(fill + i * 7);
        }

        Same(MessagePackExact.SizeOfString(length), (ref MessagePackWriter w) => w.WriteString(bytes), p => MessagePackExact.WriteString(p, bytes));
        Same(MessagePackExact.SizeOfBinary(length), (ref MessagePackWriter w) => w.WriteBinary(bytes), p => MessagePackExact.WriteBinary(p, bytes));
        uint count = (uint)length;
        Same(MessagePackExact.SizeOfArrayHeader(count), (ref MessagePackWriter w) => w.WriteArrayHeader(count), p => MessagePackExact.WriteArrayHeader(p, count));
        uint wide = count * 65537u;
        Same(MessagePackExact.SizeOfArrayHeader(wide), (ref MessagePackWriter w) => w.WriteArrayHeader(wide), p => MessagePackExact.WriteArrayHeader(p, wide));
    }
}
