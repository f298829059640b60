using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>One generated file or the diagnostics that prevent it; compared by value so the incremental pipeline can cache it.</summary>
internal sealed class GeneratedSource : System.IEquatable<GeneratedSource>
{
    public GeneratedSource(string hintName, string text, List<Diagnostic> diagnostics)
    {
        HintName = hintName;
        Text = text;
        Diagnostics = diagnostics;
    }

    public string HintName { get; }

    public string Text { get; }

    public List<Diagnostic> Diagnostics { get; }

    public bool Equals(GeneratedSource? other)
    {
        if (other is null || other.HintName != HintName || other.Text != Text || other.Diagnostics.Count != Diagnostics.Count)
        {
            return false;
        }

        for (int i = 0; i < Diagnostics.Count; i++)
        {
            if (!Diagnostics[i].Equals(other.Diagnostics[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as GeneratedSource);

    public override int GetHashCode() => HintName.GetHashCode() ^ Text.GetHashCode();
}
