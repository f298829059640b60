using System;

namespace Microkernel.Ipc;

/// <summary>
/// Server side of one contract: decodes a body, calls the handler, encodes the reply.
/// Implemented by the generated <c>{Contract}Dispatcher</c> classes; used by <see cref="ServerEndpoint"/>.
/// </summary>
public interface IMessageDispatcher
{
    /// <summary>The contract id this dispatcher serves.</summary>
    uint ContractId { get; }

    /// <summary>
    /// Handles one message. <paramref name="expectsReply"/> is true for requests; then the reply
    /// body is encoded into <paramref name="reply"/> and its size returned in
    /// <paramref name="replyLength"/>. Bad input yields a status, never an exception.
    /// </summary>
    DispatchStatus Dispatch(ushort messageId, bool expectsReply, ReadOnlySpan<byte> body, Span<byte> reply, out int replyLength);
}
