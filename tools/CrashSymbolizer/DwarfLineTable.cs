using System;
using System.Collections.Generic;
using System.IO;

namespace CrashSymbolizer;

/// <summary>
/// Address-to-line lookup built by running every line-number program in DWARF
/// <c>.debug_line</c> (versions 2 to 5, 32- and 64-bit DWARF). Each pair of consecutive
/// rows in a sequence becomes an address range [row, next row) mapped to the first row's
/// file and line. A unit that cannot be decoded is skipped with a warning; the rest of
/// the table still works.
/// </summary>
public sealed class DwarfLineTable
{
    private readonly record struct Range(ulong Start, ulong End, int File, int Line, int Column);

    private readonly List<Range> _ranges = new();
    private readonly List<string> _files = new();
    private readonly Dictionary<string, int> _fileIds = new(StringComparer.Ordinal);
    private readonly List<int> _versions = new();
    private readonly List<string> _warnings = new();

    private DwarfLineTable() { }

    /// <summary>DWARF version of each successfully decoded unit, in section order.</summary>
    public IReadOnlyList<int> UnitVersions => _versions;

    /// <summary>Problems met while decoding (one line each); decoding continued past them.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Number of address ranges known.</summary>
    public int RangeCount => _ranges.Count;

    /// <summary>An empty table (no debug information).</summary>
    public static DwarfLineTable Empty { get; } = new();

    /// <summary>
    /// Decodes <c>.debug_line</c> of <paramref name="elf"/>, resolving DWARF 5 string forms
    /// through <c>.debug_line_str</c> and <c>.debug_str</c>. In executables, line-table
    /// rows that do not start inside an executable section are dropped: those belong to
    /// functions the linker discarded, whose addresses it reset to 0 (or that another
    /// tool removed from the image).
    /// </summary>
    public static DwarfLineTable FromElf(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ElfSection? debugLine = elf.FindSection(".debug_line");
        if (debugLine is null)
        {
            return new DwarfLineTable();
        }

        var table = new DwarfLineTable();
        byte[] lineStr, str, line;
        try
        {
            line = elf.GetSectionData(debugLine);
            lineStr = elf.GetSectionData(".debug_line_str");
            str = elf.GetSectionData(".debug_str");
        }
        catch (ElfFormatException e)
        {
            table._warnings.Add("cannot read DWARF sections: " + e.Message);
            return table;
        }
        var code = new List<(ulong Start, ulong End)>();
        foreach (ElfSection s in elf.Sections)
        {
            if (s.IsExecutable && s.IsAlloc && s.Size != 0)
            {
                code.Add((s.Address, s.Address + s.Size));
            }
        }

        Func<ulong, bool>? keep = elf.FileType != 1 && code.Count > 0
            ? a => code.Exists(c => a >= c.Start && a < c.End)
            : null;
        table.ParseSection(line, lineStr, str, keep);
        table.Finish();
        return table;
    }

    /// <summary>Decodes a raw <c>.debug_line</c> section (tests, or callers without an ELF).</summary>
    public static DwarfLineTable Parse(byte[] debugLine, byte[]? debugLineStr = null, byte[]? debugStr = null)
    {
        ArgumentNullException.ThrowIfNull(debugLine);
        var table = new DwarfLineTable();
        table.ParseSection(debugLine, debugLineStr ?? Array.Empty<byte>(), debugStr ?? Array.Empty<byte>(), null);
        table.Finish();
        return table;
    }

    /// <summary>The source location of the instruction at <paramref name="address"/>, or null.</summary>
    public SourceLocation? Lookup(ulong address)
    {
        int lo = 0, hi = _ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].Start <= address) { found = mid; lo = mid + 1; }
            else
            {
                hi = mid - 1;
            }
        }
        // Ranges may overlap (duplicate sequences); look back a little for one that contains it.
        for (int i = found, steps = 0; i >= 0 && steps < 8; i--, steps++)
        {
            Range r = _ranges[i];
            if (address >= r.Start && address < r.End)
            {
                return new SourceLocation(_files[r.File], r.Line, r.Column);
            }
        }
        return null;
    }

    private void Finish() => _ranges.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));

    private int InternFile(string path)
    {
        if (!_fileIds.TryGetValue(path, out int id))
        {
            id = _files.Count;
            _files.Add(path);
            _fileIds.Add(path, id);
        }
        return id;
    }

    private void ParseSection(byte[] data, byte[] lineStr, byte[] str, Func<ulong, bool>? keepSequence)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            int unitStart = pos;
            var r = new DwarfReader(data, pos, data.Length);
            ulong length;
            bool dwarf64 = false;
            try
            {
                length = r.U32();
                if (length == 0xffffffff) { length = r.U64(); dwarf64 = true; }
                else if (length >= 0xfffffff0)
                {
                    throw new InvalidDataException($"reserved unit length 0x{length:x}");
                }

                if (length > (ulong)(data.Length - r.Position))
                {
                    throw new InvalidDataException("unit extends past end of .debug_line (truncated?)");
                }
            }
            catch (InvalidDataException e)
            {
                _warnings.Add($".debug_line unit at 0x{unitStart:x}: {e.Message}; rest of section ignored");
                return;
            }
            int unitEnd = r.Position + (int)length;
            try
            {
                r.Limit = unitEnd;
                ParseUnit(r, dwarf64, lineStr, str, keepSequence);
            }
            catch (InvalidDataException e)
            {
                _warnings.Add($".debug_line unit at 0x{unitStart:x} skipped: {e.Message}");
            }
            pos = unitEnd;
        }
    }

    private sealed class Header
    {
        public int Version;
        public int AddressSize = 8;
        public byte MinInstLength;
        public bool DefaultIsStmt;
        public sbyte LineBase;
        public byte LineRange;
        public byte OpcodeBase;
        public byte[] StandardLengths = Array.Empty<byte>();
        public readonly List<string> Dirs = new();
        public readonly List<string> Files = new();
    }

    private void ParseUnit(DwarfReader r, bool dwarf64, byte[] lineStr, byte[] str, Func<ulong, bool>? keep)
    {
        var h = new Header { Version = r.U16() };
        if (h.Version is < 2 or > 5)
        {
            throw new InvalidDataException($"unsupported .debug_line version {h.Version}");
        }

        if (h.Version >= 5)
        {
            h.AddressSize = r.U8();
            r.U8(); // segment_selector_size
        }
        ulong headerLength = r.Offset(dwarf64);
        if (headerLength > (ulong)(r.Limit - r.Position))
        {
            throw new InvalidDataException("header_length past end of unit");
        }

        int programStart = r.Position + (int)headerLength;
        h.MinInstLength = r.U8();
        if (h.Version >= 4)
        {
            r.U8(); // maximum_operations_per_instruction (1 on x86)
        }

        h.DefaultIsStmt = r.U8() != 0;
        h.LineBase = (sbyte)r.U8();
        h.LineRange = r.U8();
        h.OpcodeBase = r.U8();
        if (h.LineRange == 0)
        {
            throw new InvalidDataException("line_range is 0");
        }

        if (h.OpcodeBase == 0)
        {
            throw new InvalidDataException("opcode_base is 0");
        }

        h.StandardLengths = new byte[h.OpcodeBase - 1];
        for (int i = 0; i < h.StandardLengths.Length; i++)
        {
            h.StandardLengths[i] = r.U8();
        }

        if (h.Version >= 5)
        {
            ReadEntryTable(r, h, dwarf64, lineStr, str, isDirs: true);
            ReadEntryTable(r, h, dwarf64, lineStr, str, isDirs: false);
        }
        else
        {
            h.Dirs.Add(""); // index 0: the compilation directory, not recorded here
            for (string d = r.CString(); d.Length != 0; d = r.CString())
            {
                h.Dirs.Add(d);
            }

            h.Files.Add(""); // file numbers are 1-based before DWARF 5
            for (string f = r.CString(); f.Length != 0; f = r.CString())
            {
                ulong dir = r.ULeb();
                r.ULeb(); // mtime
                r.ULeb(); // length
                h.Files.Add(JoinPath(h, dir, f));
            }
        }
        r.Position = programStart;
        RunProgram(r, h, keep);
        _versions.Add(h.Version);
    }

    private static void ReadEntryTable(DwarfReader r, Header h, bool dwarf64, byte[] lineStr, byte[] str, bool isDirs)
    {
        int formatCount = r.U8();
        var formats = new (ulong Content, ulong Form)[formatCount];
        for (int i = 0; i < formatCount; i++)
        {
            formats[i] = (r.ULeb(), r.ULeb());
        }

        ulong count = r.ULeb();
        if (count > (ulong)(r.Limit - r.Position))
        {
            throw new InvalidDataException("entry count larger than unit");
        }

        for (ulong n = 0; n < count; n++)
        {
            string path = "";
            ulong dirIndex = 0;
            foreach ((ulong content, ulong form) in formats)
            {
                string? s = null;
                ulong value = 0;
                switch (form)
                {
                    case 0x08: s = r.CString(); break;                                  // DW_FORM_string
                    case 0x1f: s = DwarfReader.StringAt(lineStr, r.Offset(dwarf64)); break; // DW_FORM_line_strp
                    case 0x0e: s = DwarfReader.StringAt(str, r.Offset(dwarf64)); break;     // DW_FORM_strp
                    case 0x0b: value = r.U8(); break;                                    // DW_FORM_data1
                    case 0x05: value = r.U16(); break;                                   // DW_FORM_data2
                    case 0x06: value = r.U32(); break;                                   // DW_FORM_data4
                    case 0x07: value = r.U64(); break;                                   // DW_FORM_data8
                    case 0x0f: value = r.ULeb(); break;                                  // DW_FORM_udata
                    case 0x1e: r.Skip(16); break;                                        // DW_FORM_data16 (MD5)
                    case 0x09: r.Skip(r.ULeb()); break;                                  // DW_FORM_block
                    default: throw new InvalidDataException($"unsupported form 0x{form:x} in line table header");
                }
                if (content == 1 && s is not null)
                {
                    path = s;       // DW_LNCT_path
                }
                else if (content == 2)
                {
                    dirIndex = value;           // DW_LNCT_directory_index
                }
            }
            if (isDirs)
            {
                h.Dirs.Add(n == 0 || IsAbsolute(path) || h.Dirs.Count == 0 ? path : Combine(h.Dirs[0], path));
            }
            else
            {
                h.Files.Add(JoinPath(h, dirIndex, path));
            }
        }
    }

    private static bool IsAbsolute(string p) => p.StartsWith('/') || (p.Length > 2 && p[1] == ':');

    private static string Combine(string dir, string file) =>
        dir.Length == 0 ? file : dir.EndsWith('/') || dir.EndsWith('\\') ? dir + file : dir + "/" + file;

    private static string JoinPath(Header h, ulong dirIndex, string file)
    {
        if (IsAbsolute(file) || dirIndex >= (ulong)h.Dirs.Count)
        {
            return file;
        }

        return Combine(h.Dirs[(int)dirIndex], file);
    }

    private readonly record struct Row(ulong Address, ulong File, int Line, int Column);

    private void RunProgram(DwarfReader r, Header h, Func<ulong, bool>? keep)
    {
        var rows = new List<Row>();
        ulong address = 0, file = 1;
        long line = 1, column = 0;

        void Reset()
        {
            address = 0; file = 1; line = 1; column = 0;
            rows.Clear();
        }
        void Emit() => rows.Add(new Row(address, file, (int)Math.Clamp(line, 0, int.MaxValue), (int)Math.Clamp(column, 0, int.MaxValue)));

        while (!r.AtEnd)
        {
            byte op = r.U8();
            if (op >= h.OpcodeBase)
            {
                int adjusted = op - h.OpcodeBase;
                address += (ulong)(adjusted / h.LineRange) * h.MinInstLength;
                line += h.LineBase + adjusted % h.LineRange;
                Emit();
                continue;
            }
            switch (op)
            {
                case 0: // extended opcode
                    {
                        ulong len = r.ULeb();
                        if (len == 0)
                        {
                            break;
                        }

                        if (len > (ulong)(r.Limit - r.Position))
                        {
                            throw new InvalidDataException("extended opcode past end of unit");
                        }

                        int next = r.Position + (int)len;
                        byte sub = r.U8();
                        switch (sub)
                        {
                            case 1: // DW_LNE_end_sequence
                                Emit();
                                EndSequence(rows, h, keep);
                                Reset();
                                break;
                            case 2: // DW_LNE_set_address
                                int size = (int)len - 1;
                                address = size is 1 or 2 or 4 or 8 ? r.UInt(size) : throw new InvalidDataException($"set_address with {size}-byte operand");
                                break;
                            case 3: // DW_LNE_define_file (DWARF <= 4)
                                string f = r.CString();
                                ulong dir = r.ULeb();
                                h.Files.Add(JoinPath(h, dir, f));
                                break;
                                // 4 = DW_LNE_set_discriminator and vendor opcodes: skipped via 'next'.
                        }
                        r.Position = next;
                        break;
                    }
                case 1: Emit(); break;                                               // copy
                case 2: address += r.ULeb() * h.MinInstLength; break;                // advance_pc
                case 3: line += r.SLeb(); break;                                     // advance_line
                case 4: file = r.ULeb(); break;                                      // set_file
                case 5: column = (long)Math.Min(r.ULeb(), int.MaxValue); break;      // set_column
                case 6: case 7: case 10: case 11: break;                             // negate_stmt, basic_block, prologue_end, epilogue_begin
                case 8: address += (ulong)((255 - h.OpcodeBase) / h.LineRange) * h.MinInstLength; break; // const_add_pc
                case 9: address += r.U16(); break;                                   // fixed_advance_pc
                case 12: r.ULeb(); break;                                            // set_isa
                default:                                                             // unknown standard opcode: skip its operands
                    for (int i = 0; i < h.StandardLengths[op - 1]; i++)
                    {
                        r.ULeb();
                    }

                    break;
            }
        }
        // A program without a final end_sequence is malformed; its open rows are dropped.
    }

    private void EndSequence(List<Row> rows, Header h, Func<ulong, bool>? keep)
    {
        if (rows.Count < 2)
        {
            return;
        }

        for (int i = 0; i + 1 < rows.Count; i++)
        {
            Row a = rows[i];
            ulong end = rows[i + 1].Address;
            if (end <= a.Address)
            {
                continue;
            }

            if (keep is not null && !keep(a.Address))
            {
                continue;
            }

            string path = a.File < (ulong)h.Files.Count ? h.Files[(int)a.File] : $"<file #{a.File}>";
            _ranges.Add(new Range(a.Address, end, InternFile(path), a.Line, a.Column));
        }
    }
}
