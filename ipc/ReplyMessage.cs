using System;

namespace Microkernel.Ipc;

/// <summary>
/// A reply as received by a <see cref="ClientEndpoint"/>: its validated header and its body,
/// read in place from the reply ring. The body is valid until the next
/// <see cref="ClientEndpoint.TryReceive"/> call, and the server may still scribble on it, so it
/// must only be read through the bounds-checked <see cref="MessagePackReader"/>.
/// </summary>
public readonly ref struct ReplyMessage
{
    /// <summary>Wraps a header and body.</summary>
    public ReplyMessage(MessageHeader header, ReadOnlySpan<byte> body)
    {
        Header = header;
        Body = body;
    }

    /// <summary>The validated header (it matched an outstanding request).</summary>
    public MessageHeader Header { get; }

    /// <summary>The MessagePack body.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>Request id this reply answers.</summary>
    public uint RequestId => Header.RequestId;

    /// <summary>True when the server rejected the request.</summary>
    public bool IsError => Header.Kind == MessageKind.Error;

    /// <summary>
    /// The error code of an Error reply. False for a successful reply or an error body that does
    /// not decode (then <paramref name="code"/> is <see cref="IpcErrorCode.None"/>).
    /// </summary>
    public bool TryGetError(out IpcErrorCode code)
    {
        code = IpcErrorCode.None;
        if (!IsError)
        {
            return false;
        }

        var reader = new MessagePackReader(Body);
        if (!ErrorReply.TryDecode(ref reader, out ErrorReply error) || !reader.End)
        {
            return false;
        }

        code = error.Code;
        return true;
    }
}
