using System;
using Microkernel.Ipc;

namespace Microkernel.Services.HostLinking;

/// <summary>The host link's frames on the log export port (beside klog's 0xA5 0x5A
/// records, which the host tells apart by the second byte):
/// <code>
///   0xA5 0x5B | u16 LE length L | L bytes of one MessagePack array
///   request (host → guest): [id uint, op str ("get"), name str]
///   reply   (guest → host): [id uint, status uint (StoreStatus), name str, type str, value str]
/// </code>
/// Portable: the service and the host tests compile it.</summary>
public static class HostLinkFrames
{
    /// <summary>First and second byte of every host-link frame.</summary>
    public const byte Magic0 = 0xA5, Magic1 = 0x5B;
    /// <summary>Longest payload accepted.</summary>
    public const int MaxPayload = 256;

    /// <summary>Finds the first complete request in <paramref name="input"/>. Returns the
    /// bytes consumed (garbage before a frame, and the frame; 0 when more input is needed),
    /// and whether a well-formed get request was read.</summary>
    public static int TryReadRequest(ReadOnlySpan<byte> input, out uint id, out ReadOnlySpan<byte> op, out ReadOnlySpan<byte> name, out bool valid)
    {
        id = 0; op = default; name = default; valid = false;
        int start = 0;
        while (start + 1 < input.Length && !(input[start] == Magic0 && input[start + 1] == Magic1))
        {
            start++;
        }

        if (start + 4 > input.Length)
        {
            return start + 1 < input.Length ? start : Math.Max(0, input.Length - 1);
        }

        int length = input[start + 2] | (input[start + 3] << 8);
        if (length > MaxPayload)
        {
            return start + 2; // not a frame: skip its magic
        }

        if (start + 4 + length > input.Length)
        {
            return start;
        }

        ReadOnlySpan<byte> payload = input.Slice(start + 4, length);
        var reader = new MessagePackReader(payload);
        valid = reader.TryReadArrayHeader(out uint count) && count == 3
            && reader.TryReadUInt32(out id) && reader.TryReadString(out op) && reader.TryReadString(out name);
        return start + 4 + length;
    }

    /// <summary>Writes a reply frame into <paramref name="output"/>; its length, or 0 if it does not fit.</summary>
    public static int WriteReply(Span<byte> output, uint id, uint status, ReadOnlySpan<byte> name, ReadOnlySpan<byte> type, ReadOnlySpan<byte> value)
    {
        if (output.Length < 4)
        {
            return 0;
        }

        var writer = new MessagePackWriter(output.Slice(4, Math.Min(output.Length - 4, MaxPayload)));
        writer.WriteArrayHeader(5);
        writer.WriteUInt64(id);
        writer.WriteUInt64(status);
        writer.WriteString(name);
        writer.WriteString(type);
        writer.WriteString(value);
        if (writer.Overflowed)
        {
            return 0;
        }

        output[0] = Magic0;
        output[1] = Magic1;
        output[2] = (byte)writer.Position;
        output[3] = (byte)(writer.Position >> 8);
        return 4 + writer.Position;
    }
}
