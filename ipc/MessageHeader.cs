using System;
using System.Buffers.Binary;

namespace Microkernel.Ipc;

/// <summary>
/// The fixed 16-byte header in front of every message body. Little-endian:
/// <code>
///   0..3   contract id  u32   which contract (service protocol) the message belongs to
///   4..5   message id   u16   which method of the contract
///   6      kind         u8    <see cref="MessageKind"/>
///   7      reserved     u8    must be 0 (rejected otherwise, so it can carry flags later)
///   8..11  request id   u32   chosen by the client, echoed in the reply; 0 for notifications
///   12..15 body length  u32   bytes of MessagePack body that follow the header
/// </code>
/// </summary>
public readonly struct MessageHeader
{
    /// <summary>Encoded size of the header in bytes.</summary>
    public const int Size = 16;

    /// <summary>Creates a header.</summary>
    public MessageHeader(uint contractId, ushort messageId, MessageKind kind, uint requestId, uint bodyLength)
    {
        ContractId = contractId;
        MessageId = messageId;
        Kind = kind;
        RequestId = requestId;
        BodyLength = bodyLength;
    }

    /// <summary>Contract the message belongs to.</summary>
    public uint ContractId { get; }

    /// <summary>Method within the contract.</summary>
    public ushort MessageId { get; }

    /// <summary>Request, reply, error or notification.</summary>
    public MessageKind Kind { get; }

    /// <summary>Correlates a reply with its request.</summary>
    public uint RequestId { get; }

    /// <summary>Length of the body that follows.</summary>
    public uint BodyLength { get; }

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>; false if it is too short.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, ContractId);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(4), MessageId);
        destination[6] = (byte)Kind;
        destination[7] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(8), RequestId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(12), BodyLength);
        return true;
    }

    /// <summary>
    /// Parses a header from untrusted bytes. False when the input is shorter than
    /// <see cref="Size"/>, the kind is unknown or the reserved byte is not zero. Whether the body
    /// length matches the record is the caller's check (only it knows the record length).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out MessageHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        byte kind = source[6];
        if (kind < (byte)MessageKind.Request || kind > (byte)MessageKind.Notification || source[7] != 0)
        {
            return false;
        }

        header = new MessageHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source),
            BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(4)),
            (MessageKind)kind,
            BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(8)),
            BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(12)));
        return true;
    }
}
