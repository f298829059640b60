namespace Mk.Manifests;

/// <summary>A place in a manifest file, as YamlDotNet's parser marks it: line and column
/// both count from 1.</summary>
/// <param name="Line">Line number, from 1.</param>
/// <param name="Column">Column number, from 1.</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>The start of a file (1:1), used for errors about the whole document.</summary>
    public static SourcePosition FileStart => new(1, 1);
}
