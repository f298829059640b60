using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace CrashSymbolizer;

/// <summary>
/// Turns a parsed <see cref="CrashReport"/> into the "--- symbolized" block: rip and every
/// stack frame as <c>symbol+0xoff  file:line</c>, then a disassembly around rip.
/// </summary>
/// <remarks>
/// rip, and frame #0 when it equals rip, are looked up exactly. Other frames are return
/// addresses: their symbol and line are looked up at address-1 (the call instruction), so
/// a call that is the last instruction of a function, or of a source line, is attributed
/// correctly; the offset printed is still relative to the address as printed.
/// </remarks>
public sealed class ReportSymbolizer
{
    private readonly string _displayName;
    private readonly string? _baseDirectory;

    /// <summary>Creates a symbolizer over already-loaded tables.</summary>
    /// <param name="elf">The kernel image.</param>
    /// <param name="symbols">Its symbols.</param>
    /// <param name="lines">Its line table.</param>
    /// <param name="displayName">How the ELF is named in the block header (usually the path given on the command line).</param>
    /// <param name="baseDirectory">Source paths under this directory are printed relative to it; null keeps them as recorded.</param>
    public ReportSymbolizer(ElfFile elf, SymbolTable symbols, DwarfLineTable lines, string displayName, string? baseDirectory)
    {
        Elf = elf ?? throw new ArgumentNullException(nameof(elf));
        Symbols = symbols ?? throw new ArgumentNullException(nameof(symbols));
        Lines = lines ?? throw new ArgumentNullException(nameof(lines));
        _displayName = displayName;
        _baseDirectory = string.IsNullOrEmpty(baseDirectory) ? null : baseDirectory.TrimEnd('/') + "/";
    }

    /// <summary>Loads the ELF at <paramref name="path"/> with its symbols and line table.</summary>
    /// <exception cref="ElfFormatException">Missing or malformed ELF.</exception>
    public static ReportSymbolizer Load(string path, string? baseDirectory)
    {
        var elf = ElfFile.Load(path);
        SymbolTable symbols;
        try
        {
            symbols = SymbolTable.FromElf(elf);
        }
        catch (ElfFormatException e)
        {
            throw new ElfFormatException($"'{path}': {e.Message}", e);
        }
        return new ReportSymbolizer(elf, symbols, DwarfLineTable.FromElf(elf), path, baseDirectory);
    }

    /// <summary>The kernel image.</summary>
    public ElfFile Elf { get; }

    /// <summary>Its symbol table.</summary>
    public SymbolTable Symbols { get; }

    /// <summary>Its DWARF line table.</summary>
    public DwarfLineTable Lines { get; }

    /// <summary>Describes one address; <paramref name="isReturnAddress"/> looks up address-1.</summary>
    public AddressDescription Describe(ulong address, bool isReturnAddress)
    {
        ulong probe = isReturnAddress && address != 0 ? address - 1 : address;
        ElfSymbol? sym = Symbols.Lookup(probe);
        return new AddressDescription(address, sym, sym is { } s ? address - s.Address : 0, Lines.Lookup(probe));
    }

    /// <summary><c>file:line</c> with the path shortened against the base directory, or <c>??</c>.</summary>
    public string FormatLocation(SourceLocation? location)
    {
        if (location is not { } l)
        {
            return "??";
        }

        string file = l.File;
        if (_baseDirectory is not null && file.StartsWith(_baseDirectory, StringComparison.Ordinal))
        {
            file = file[_baseDirectory.Length..];
        }

        return l.Line == 0 ? $"{file}:?" : string.Create(CultureInfo.InvariantCulture, $"{file}:{l.Line}");
    }

    /// <summary>The lines of the symbolized block for <paramref name="report"/>, header and footer included.</summary>
    public IReadOnlyList<string> Symbolize(CrashReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var output = new List<string> { $"--- symbolized ({_displayName})" };
        if (report.Truncated)
        {
            output.Add("  (report incomplete: no \"*** END PANIC\" line; symbolized what was there)");
        }

        var rows = new List<(string Label, AddressDescription D)>();
        ulong? rip = report.Rip;
        if (rip is { } r)
        {
            rows.Add(("rip", Describe(r, isReturnAddress: false)));
        }

        foreach (StackFrame f in report.Frames)
        {
            bool exact = f.Address == rip || (rip is null && f.Index == 0);
            rows.Add(("#" + f.Index.ToString(CultureInfo.InvariantCulture), Describe(f.Address, isReturnAddress: !exact)));
        }
        if (rows.Count == 0)
        {
            output.Add("  (no rip and no stack frames in the report)");
        }

        int labelWidth = rows.Count == 0 ? 3 : rows.Max(x => x.Label.Length);
        int symWidth = rows.Count == 0 ? 2 : rows.Max(x => x.D.SymbolText.Length);
        foreach ((string? label, AddressDescription d) in rows)
        {
            var sb = new StringBuilder("  ");
            sb.Append(label.PadRight(labelWidth)).Append("  ");
            sb.Append(CultureInfo.InvariantCulture, $"0x{d.Address:x16}  ");
            sb.Append(d.SymbolText.PadRight(symWidth)).Append("  ");
            sb.Append(FormatLocation(d.Location));
            if (d.ReadableName is { } readable)
            {
                sb.Append("  (").Append(readable).Append(')');
            }

            output.Add(sb.ToString().TrimEnd());
        }

        if (rip is { } at)
        {
            AppendCode(output, at, report.IsCpuException);
        }
        else
        {
            output.Add("  code at rip: (no rip in the report)");
        }

        output.Add("--- end symbolized");
        return output;
    }

    private void AppendCode(List<string> output, ulong rip, bool isFault)
    {
        Disassembly listing = CodeDisassembler.Around(Elf, Symbols, rip);
        string header = listing.StartSymbol is { } s ? $"  code at rip (decoded from {s}):" : "  code at rip:";
        output.Add(header);
        if (listing.Note is { } note)
        {
            output.Add("    (" + note + ")");
        }

        if (listing.Instructions.Count == 0)
        {
            return;
        }

        int bytesWidth = listing.Instructions.Max(i => i.Bytes.Length * 3 - 1);
        string marker = isFault ? "   <-- fault" : "   <-- rip";
        foreach (DisassembledInstruction i in listing.Instructions)
        {
            string hex = string.Join(' ', i.Bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            string line = string.Create(CultureInfo.InvariantCulture, $"    0x{i.Address:x16}  {hex.PadRight(bytesWidth)}  {i.Text}");
            output.Add(i.IsTarget ? line + marker : line);
        }
    }
}
