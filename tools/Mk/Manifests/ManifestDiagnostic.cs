using System.Globalization;

namespace Mk.Manifests;

/// <summary>One error found in a manifest, with where it is and what to do about it.</summary>
/// <param name="File">The manifest path as the user gave it.</param>
/// <param name="Position">Line and column of the offending node.</param>
/// <param name="Message">What is wrong, one line.</param>
/// <param name="Hint">What to write instead; may be null.</param>
public sealed record ManifestDiagnostic(string File, SourcePosition Position, string Message, string? Hint)
{
    /// <summary>The compiler-style form: <c>FILE:LINE:COL: error: MESSAGE</c>, then
    /// <c>  hint: HINT</c> on a second line when there is a hint.</summary>
    public override string ToString()
    {
        string head = string.Create(CultureInfo.InvariantCulture,
            $"{File}:{Position.Line}:{Position.Column}: error: {Message}");
        return Hint is null ? head : head + "\n  hint: " + Hint;
    }
}
