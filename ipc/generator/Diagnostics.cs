using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>Errors the generator reports instead of emitting code that would not compile or not match the wire format.</summary>
internal static class Diagnostics
{
    private const string Category = "Microkernel.Ipc";

    public static readonly DiagnosticDescriptor UnsupportedField = new DiagnosticDescriptor(
        "IPC001", "Unsupported message field",
        "Field '{0}' of message '{1}' has type '{2}', which has no wire encoding (use bool, an integer type, an enum, ReadOnlySpan<byte> or an [IpcMessage] struct)",
        Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor NotPartial = new DiagnosticDescriptor(
        "IPC002", "Message or contract must be partial and top-level",
        "'{0}' must be a partial, non-nested struct so the generator can add its codec",
        Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor HiddenState = new DiagnosticDescriptor(
        "IPC003", "Message has state that would not be sent",
        "'{0}' of message '{1}' is not a public field; only public instance fields are encoded, so it would silently be lost on the wire",
        Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor BadMethod = new DiagnosticDescriptor(
        "IPC004", "Contract method has an unsupported shape",
        "Method '{0}' of contract '{1}' must carry [IpcMethod(id)], take exactly one [IpcMessage] parameter (by value or 'in') and return an [IpcMessage] type or void",
        Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor DuplicateMethodId = new DiagnosticDescriptor(
        "IPC005", "Duplicate message id",
        "Message id {0} is used by more than one method of contract '{1}'",
        Category, DiagnosticSeverity.Error, true);
}
