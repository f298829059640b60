namespace CrashSymbolizer;

/// <summary>What the ELF says about one code address.</summary>
/// <param name="Address">The address as printed in the report.</param>
/// <param name="Symbol">The containing symbol, or null when unknown.</param>
/// <param name="Offset">Address minus the symbol's start (meaningless when <paramref name="Symbol"/> is null).</param>
/// <param name="Location">Source position from .debug_line, or null when unknown.</param>
public readonly record struct AddressDescription(ulong Address, ElfSymbol? Symbol, ulong Offset, SourceLocation? Location)
{
    /// <summary><c>name+0xoff</c>, or <c>??</c>.</summary>
    public string SymbolText => Symbol is { } s ? $"{s.Name}+0x{Offset:x}" : "??";

    /// <summary>The readable (demangled-ish) form of the symbol name, or null when it has none.</summary>
    public string? ReadableName => Symbol is { } s ? NameDemangler.Readable(s.Name) : null;
}
