using System;
using Microkernel.Ipc;

namespace Microkernel.Services.Klog;

/// <summary>The export frame klog writes on the second serial port, one per record:
/// <c>0xA5 0x5A</c>, a u16 little-endian length L, then L bytes of one MessagePack array
/// <c>[seq, time_ns, cpu, level, source, text, dropped, source_seq]</c> (the host's
/// tools/Mk/Klog/KlogDecoder reads it; items after the seventh are ignored there).</summary>
/// <remarks><c>seq</c> is klog's own sequence (one per record kept in its ring, so a gap
/// on the host is a dropped record), <c>dropped</c> the records lost so far (klog's ring
/// and the kernel's), <c>source_seq</c> the record's sequence within its source.</remarks>
public static class KlogFrame
{
    /// <summary>First byte of a frame.</summary>
    public const byte Magic0 = 0xA5;
    /// <summary>Second byte of a frame.</summary>
    public const byte Magic1 = 0x5A;
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderBytes = 4;
    /// <summary>Largest frame (32-byte source, 480-byte text, eight 9-byte integers).</summary>
    public const int MaxFrameBytes = 640;

    /// <summary>Encodes one frame into <paramref name="destination"/>; its length, or 0
    /// when it does not fit.</summary>
    public static int Encode(Span<byte> destination, ulong sequence, ulong timeNs, uint cpu, uint level,
        ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong dropped, ulong sourceSequence)
    {
        if (destination.Length <= HeaderBytes)
        {
            return 0;
        }

        var writer = new MessagePackWriter(destination.Slice(HeaderBytes, Math.Min(destination.Length - HeaderBytes, 0xFFFF)));
        writer.WriteArrayHeader(8);
        writer.WriteUInt64(sequence);
        writer.WriteUInt64(timeNs);
        writer.WriteUInt64(cpu);
        writer.WriteUInt64(level);
        writer.WriteString(source);
        writer.WriteString(text);
        writer.WriteUInt64(dropped);
        writer.WriteUInt64(sourceSequence);
        if (writer.Overflowed)
        {
            return 0;
        }

        int length = writer.Position;
        destination[0] = Magic0;
        destination[1] = Magic1;
        destination[2] = (byte)length;
        destination[3] = (byte)(length >> 8);
        return HeaderBytes + length;
    }
}
