using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>One generated file, or the diagnostics that prevent it.</summary>
internal sealed class GeneratedFile
{
    public GeneratedFile(string hintName, string text, IReadOnlyList<Diagnostic> diagnostics)
    {
        HintName = hintName;
        Text = text;
        Diagnostics = diagnostics;
    }

    public string HintName { get; }

    /// <summary>The source, or "" when diagnostics prevent it.</summary>
    public string Text { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public static GeneratedFile Failed(IReadOnlyList<Diagnostic> diagnostics) => new GeneratedFile(string.Empty, string.Empty, diagnostics);
}
