using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>The declared table: every call in number order, and what is wrong with it.</summary>
internal sealed class SystemCallTable
{
    public SystemCallTable(string ns, string interfaceName, IReadOnlyList<SystemCallDeclaration> calls, IReadOnlyList<Diagnostic> diagnostics)
    {
        Namespace = ns;
        InterfaceName = interfaceName;
        Calls = calls;
        Diagnostics = diagnostics;
    }

    /// <summary>The declaration's namespace, where the number enum goes.</summary>
    public string Namespace { get; }

    /// <summary>The declaring interface's name.</summary>
    public string InterfaceName { get; }

    /// <summary>The calls, sorted by number.</summary>
    public IReadOnlyList<SystemCallDeclaration> Calls { get; }

    /// <summary>Errors in the declaration; nothing is emitted from a table that has any.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Count > 0;
}
