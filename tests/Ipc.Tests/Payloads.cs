using System;

namespace Microkernel.Ipc.Tests;

/// <summary>Deterministic payloads: the bytes follow from a sequence number, so a reader can check order and integrity.</summary>
internal static class Payloads
{
    public static byte[] Make(long sequence, int length)
    {
        byte[] bytes = new byte[length];
        Fill(sequence, bytes);
        return bytes;
    }

    public static void Fill(long sequence, Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(sequence * 31 + i * 7 + 1);
        }

        if (bytes.Length >= 8)
        {
            BitConverter.TryWriteBytes(bytes, sequence);
        }
    }

    public static bool Check(long sequence, ReadOnlySpan<byte> bytes, int expectedLength)
    {
        if (bytes.Length != expectedLength)
        {
            return false;
        }

        Span<byte> expected = expectedLength <= 1024 ? stackalloc byte[expectedLength] : new byte[expectedLength];
        Fill(sequence, expected);
        return bytes.SequenceEqual(expected);
    }

    /// <summary>Length of the record with this sequence number in the stress tests: varied, 0 up to <paramref name="max"/>.</summary>
    public static int LengthFor(long sequence, int max)
    {
        ulong x = (ulong)sequence * 0x9E3779B97F4A7C15UL;
        return (int)((x >> 40) % (ulong)(max + 1));
    }
}
