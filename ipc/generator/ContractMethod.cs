using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>One [IpcMethod] of a contract as the emitters see it: its symbol, wire id, request
/// message and reply message (null for a one-way notification).</summary>
internal sealed class ContractMethod
{
    public ContractMethod(IMethodSymbol symbol, ushort id, ITypeSymbol request, ITypeSymbol? reply)
    {
        Symbol = symbol;
        Id = id;
        Request = request;
        Reply = reply;
    }

    public IMethodSymbol Symbol { get; }

    public ushort Id { get; }

    public ITypeSymbol Request { get; }

    public ITypeSymbol? Reply { get; }

    /// <summary>How the dispatcher passes the decoded request to the handler (by in or by value, as declared).</summary>
    public string PassRequest => Symbol.Parameters[0].RefKind == RefKind.In ? "in request" : "request";
}
