using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        // Two little-endian 64-bit stores: bytes 0-7 (contract, message, kind, reserved 0) and 8-15.
        BinaryPrimitives.WriteUInt64LittleEndian(destination, First);
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(8), Second);
        return true;
    }

    private ulong First
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ContractId | ((ulong)MessageId << 32) | ((ulong)(byte)Kind << 48);
    }

    private ulong Second
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RequestId | ((ulong)BodyLength << 32);
    }

    /// <summary>
    /// Writes the header to <paramref name="destination"/>, which the caller guarantees holds
    /// <see cref="Size"/> bytes (ring memory it owns): no span, no length check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void WriteTo(byte* destination)
    {
        // Spans of constant length 8: the JIT drops the length checks.
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(destination, 8), First);
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(destination + 8, 8), Second);
    }

    /// <summary>
    /// Parses a header from untrusted bytes. False when the input is shorter than
    /// <see cref="Size"/>, the kind is unknown or the reserved byte is not zero. Whether the body
    /// length matches the record is the caller's check (only it knows the record length).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> source, out MessageHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        // Two 64-bit loads, each read once: the bytes live in memory the peer can still change.
        ulong first = BinaryPrimitives.ReadUInt64LittleEndian(source);
        ulong second = BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(8));
        uint kind = (uint)(first >> 48) & 0xff;
        if (kind - (uint)MessageKind.Request > (uint)MessageKind.Notification - (uint)MessageKind.Request || (first >> 56) != 0)
        {
            return false;
        }

        header = new MessageHeader((uint)first, (ushort)(first >> 32), (MessageKind)kind, (uint)second, (uint)(second >> 32));
        return true;
    }
}
