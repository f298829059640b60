namespace CrashSymbolizer;

/// <summary>A source position from the DWARF line table.</summary>
/// <param name="File">Path as recorded by the compiler (directory joined with file name).</param>
/// <param name="Line">1-based line; 0 means "no line" (compiler-generated code).</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
public readonly record struct SourceLocation(string File, int Line, int Column);
