using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using MessagePack;

namespace Mk.Klog;

/// <summary>Decodes the klog export stream. Each record is framed as the bytes 0xA5 0x5A, a
/// u16 little-endian length L, and L bytes holding one MessagePack array
/// <c>[seq, time_ns, cpu, level, source, text, dropped]</c> (read with MessagePack's
/// <see cref="MessagePackReader"/>). Bytes that are not a valid frame are skipped and
/// counted: the decoder looks for the next 0xA5 0x5A, so one bad byte costs no good record.
/// Feed it chunks as they arrive; it keeps no state between calls except counters.</summary>
public sealed class KlogDecoder
{
    /// <summary>First byte of a frame.</summary>
    public const byte Magic0 = 0xA5;

    /// <summary>Second byte of a frame.</summary>
    public const byte Magic1 = 0x5A;

    /// <summary>Bytes of magic and length before the payload.</summary>
    public const int HeaderLength = 4;

    /// <summary>Bytes skipped as not part of any valid frame so far.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>Records decoded so far.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Decodes every complete frame in <paramref name="buffer"/> into
    /// <paramref name="records"/> and returns the position up to which the input is used up;
    /// the rest (a frame not yet complete) must be offered again with more bytes after it.
    /// With <paramref name="isFinal"/> no more bytes will come, so an incomplete tail is
    /// skipped too and the whole buffer is used up.</summary>
    public SequencePosition Decode(ReadOnlySequence<byte> buffer, bool isFinal, ICollection<KlogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        ReadOnlySequence<byte> rest = buffer;
        Span<byte> header = stackalloc byte[HeaderLength];
        while (rest.Length > 0)
        {
            SequencePosition? magic = rest.PositionOf(Magic0);
            if (magic is null)
            {
                Skip(ref rest, rest.Length);
                break;
            }
            Skip(ref rest, rest.Slice(0, magic.Value).Length);
            if (rest.Length < HeaderLength)
            {
                if (rest.Length >= 2 && SecondByte(rest) != Magic1) { Skip(ref rest, 1); continue; }
                if (isFinal) { Skip(ref rest, rest.Length); }
                break;
            }
            rest.Slice(0, HeaderLength).CopyTo(header);
            if (header[1] != Magic1) { Skip(ref rest, 1); continue; }
            int length = header[2] | header[3] << 8;
            if (rest.Length < HeaderLength + length)
            {
                // Not all here yet; at the end of input it was garbage that looked like a header.
                if (isFinal) { Skip(ref rest, 1); continue; }
                break;
            }
            if (TryParsePayload(rest.Slice(HeaderLength, length), out KlogRecord? record))
            {
                records.Add(record);
                RecordCount++;
                rest = rest.Slice(HeaderLength + length);
            }
            else
            {
                Skip(ref rest, 1);
            }
        }
        return rest.Start;
    }

    private static byte SecondByte(ReadOnlySequence<byte> s)
    {
        Span<byte> two = stackalloc byte[2];
        s.Slice(0, 2).CopyTo(two);
        return two[1];
    }

    private void Skip(ref ReadOnlySequence<byte> rest, long count)
    {
        SkippedBytes += count;
        rest = rest.Slice(count);
    }

    /// <summary>Reads one record payload; false unless it is exactly one array of at least
    /// seven items with the right types (items past the seventh are ignored, for later
    /// additions to the format).</summary>
    public static bool TryParsePayload(ReadOnlySequence<byte> payload, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KlogRecord? record)
    {
        record = null;
        var reader = new MessagePackReader(payload);
        try
        {
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                return false;
            }

            int count = reader.ReadArrayHeader();
            if (count < 7)
            {
                return false;
            }

            ulong sequence = reader.ReadUInt64();
            ulong time = reader.ReadUInt64();
            uint cpu = reader.ReadUInt32();
            uint level = reader.ReadUInt32();
            if (reader.NextMessagePackType != MessagePackType.String)
            {
                return false;
            }

            string source = reader.ReadString()!;
            if (reader.NextMessagePackType != MessagePackType.String)
            {
                return false;
            }

            string text = reader.ReadString()!;
            ulong dropped = reader.ReadUInt64();
            for (int i = 7; i < count; i++)
            {
                reader.Skip();
            }

            if (!reader.End)
            {
                return false;
            }

            record = new KlogRecord(sequence, time, cpu, level, source, text, dropped);
            return true;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            return false;
        }
    }
}
