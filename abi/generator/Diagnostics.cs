using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>Errors the generator reports instead of emitting a table that would break the ABI or not compile.</summary>
internal static class Diagnostics
{
    private const string Category = "Microkernel.Abi";

    public static readonly DiagnosticDescriptor DuplicateNumber = Error(
        "ABI001", "Duplicate system call number",
        "System call number {0} is declared by both '{1}' and '{2}'");

    public static readonly DiagnosticDescriptor MissingHandler = Error(
        "ABI002", "System call without a handler",
        "System call '{0}' names no kernel handler (set Handler = \"Namespace.Type.Method\")");

    public static readonly DiagnosticDescriptor TooManyArguments = Error(
        "ABI003", "Too many argument registers",
        "System call '{0}' needs {1} argument registers; the ABI passes at most 4 (rdi, rsi, rdx, r10)");

    public static readonly DiagnosticDescriptor UnsupportedArgument = Error(
        "ABI004", "Unsupported system call argument",
        "Argument '{0}' of system call '{1}' has type '{2}' (use an integer, an enum, ReadOnlySpan<byte>, Span<byte> or out long)");

    public static readonly DiagnosticDescriptor DuplicateName = Error(
        "ABI005", "Duplicate system call name",
        "System call name '{0}' is declared more than once");

    public static readonly DiagnosticDescriptor UndeclaredMember = Error(
        "ABI006", "Table member without [SystemCall]",
        "'{0}' is a member of the system call table but carries no [SystemCall(number, name)]");

    public static readonly DiagnosticDescriptor BadReturn = Error(
        "ABI007", "Unsupported system call result",
        "System call '{0}' must return long (or void when NoReturn = true)");

    public static readonly DiagnosticDescriptor HandlerNotFound = Error(
        "ABI008", "Handler not found",
        "Handler '{0}' of system call '{1}' is not a static method of a type in this compilation");

    public static readonly DiagnosticDescriptor HandlerSignature = Error(
        "ABI009", "Handler does not match its declaration",
        "Handler '{0}' of system call '{1}' must take {2} integer or enum parameter(s), one per argument register, and return void or what the dispatch returns (for a dispatch returning long: long or a type convertible to long)");

    public static readonly DiagnosticDescriptor NoDispatchMethod = Error(
        "ABI010", "Dispatcher without a dispatch method",
        "'{0}' must declare one unimplemented 'static partial long Name(Frame* frame)' (or returning the handlers' result type) whose frame has the fields Number, Rdi, Rsi, Rdx and R10");

    public static readonly DiagnosticDescriptor NoCallerHas = Error(
        "ABI011", "Dispatcher cannot check rights",
        "System call '{0}' needs a right, so '{1}' must have 'static bool CallerHas(ProcessRights right)'");

    public static readonly DiagnosticDescriptor TableCount = Error(
        "ABI012", "No single system call table",
        "'{0}' needs exactly one [SystemCallTable] interface in the compilation; found {1}");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "ABI013", "Class must be partial",
        "'{0}' must be a partial, non-nested class so the generator can add to it");

    public static readonly DiagnosticDescriptor NoFailFactory = Error(
        "ABI014", "Result type cannot fail",
        "'{0}' dispatches to '{1}', which needs 'static {1} Fail(long errno)' for -ENOSYS and -EPERM");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, true);
}
