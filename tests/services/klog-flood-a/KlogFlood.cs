using System;
using System.Runtime.InteropServices;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.KlogFlooding;

/// <summary>A klog load generator, shared by klog-flood-a (one blocking write at a time)
/// and klog-flood-b (batched writes): writes <see cref="Records"/> records under its own
/// service name as the source, numbered 1, 2, ... in the Sequence field so klog can check
/// their order; every <see cref="DebugEvery"/>th is at debug level, which klog's default
/// threshold (info) filters. Exits with the number of records klog answered (kept or
/// filtered), or -1 without a channel to klog.</summary>
internal static unsafe partial class KlogFlood
{
    /// <summary>Records each instance writes.</summary>
    internal const int Records = 50_000;
    /// <summary>One record in this many is at debug level.</summary>
    internal const int DebugEvery = 16;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.TryFindChannel("klog"u8, out ChannelGrant channel) || channel.IsServer)
        {
            SystemCall.Log("no channel to klog"u8);
            return -1;
        }
        var writer = new KlogWindow(in channel, Batched ? 32 : 1);
        ReadOnlySpan<byte> source = StartInfo.Name;
        byte* text = stackalloc byte[48];
        ReadOnlySpan<byte> prefix = "flood record "u8;
        for (int i = 0; i < prefix.Length; i++)
        {
            text[i] = prefix[i];
        }

        for (ulong sequence = 1; sequence <= Records; sequence++)
        {
            int length = AppendDecimal(text, prefix.Length, 48, sequence);
            KlogLevel level = sequence % DebugEvery == 0 ? KlogLevel.Debug : KlogLevel.Info;
            var record = new ReadOnlySpan<byte>(text, length);
            bool sent = Batched ? writer.Post(level, source, record, sequence)
                : writer.Write(level, source, record, sequence) != KlogStatus.Unavailable;
            if (!sent)
            {
                break;
            }
        }
        writer.Flush();
        ulong answered = writer.Kept + writer.Filtered;
        byte* line = stackalloc byte[96];
        int n = Append(line, 0, source);
        n = Append(line, n, ": answered "u8);
        n = AppendDecimal(line, n, 96, answered);
        n = Append(line, n, " (kept "u8);
        n = AppendDecimal(line, n, 96, writer.Kept);
        n = Append(line, n, ", filtered "u8);
        n = AppendDecimal(line, n, 96, writer.Filtered);
        n = Append(line, n, ")"u8);
        SystemCall.Log(new ReadOnlySpan<byte>(line, n));
        return (int)answered;
    }

    private static int Append(byte* to, int at, ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length && at < 96; i++)
        {
            to[at++] = text[i];
        }

        return at;
    }

    /// <summary>Writes <paramref name="value"/> in decimal at <paramref name="at"/> of a
    /// <paramref name="capacity"/>-byte buffer (nothing if it does not fit); the new end.</summary>
    private static int AppendDecimal(byte* to, int at, int capacity, ulong value)
    {
        int n = Microkernel.Text.IntegerFormatter.FormatDecimal(value, new Span<byte>(to + at, capacity - at));
        return n < 0 ? at : at + n;
    }
}
