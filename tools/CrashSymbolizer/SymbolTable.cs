using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace CrashSymbolizer;

/// <summary>
/// Address-to-symbol lookup over an ELF's .symtab (or .dynsym when there is no .symtab).
/// A sized symbol that contains the address wins (FUNC before other types, then NativeAOT
/// method names, then global before local); otherwise the nearest preceding unsized symbol in the same section is used,
/// which is how hand-written assembly labels are found. A sized symbol that ends before
/// the address stops the search, so padding after a function is reported as unknown.
/// </summary>
public sealed class SymbolTable
{
    private readonly ElfSymbol[] _byAddress;
    private readonly ElfFile? _elf;

    /// <summary>Creates a table from already-decoded symbols (used by tests and by <see cref="FromElf"/>).</summary>
    public SymbolTable(IEnumerable<ElfSymbol> symbols, ElfFile? elf = null)
    {
        var list = new List<ElfSymbol>(symbols);
        list.Sort(static (a, b) =>
        {
            int c = a.Address.CompareTo(b.Address);
            if (c != 0)
            {
                return c;
            }

            c = Rank(b).CompareTo(Rank(a)); // best candidate first among equal addresses
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        _byAddress = list.ToArray();
        _elf = elf;
    }

    /// <summary>Number of usable symbols.</summary>
    public int Count => _byAddress.Length;

    /// <summary>Every usable symbol, sorted by address (the best-ranked alias first among equal addresses).</summary>
    public IReadOnlyList<ElfSymbol> Symbols => _byAddress;

    /// <summary>Decodes the symbols of <paramref name="elf"/>.</summary>
    /// <exception cref="ElfFormatException">The symbol table is malformed.</exception>
    public static SymbolTable FromElf(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ElfSection? symtab = null;
        foreach (ElfSection s in elf.Sections)
        {
            if (s.Type == ElfSection.TypeSymTab) { symtab = s; break; }
        }

        if (symtab is null)
        {
            foreach (ElfSection s in elf.Sections)
            {
                if (s.Type == ElfSection.TypeDynSym) { symtab = s; break; }
            }
        }

        if (symtab is null)
        {
            return new SymbolTable(Array.Empty<ElfSymbol>(), elf);
        }

        if (symtab.Link >= elf.Sections.Count)
        {
            throw new ElfFormatException($"symbol table {symtab.Name} links to missing string table #{symtab.Link}");
        }

        ElfSection strtab = elf.Sections[(int)symtab.Link];

        byte[] data = elf.GetSectionData(symtab);
        int entSize = symtab.EntrySize >= 24 ? (int)symtab.EntrySize : 24;
        var symbols = new List<ElfSymbol>();
        for (int off = entSize; off + 24 <= data.Length; off += entSize) // entry 0 is the null symbol
        {
            ReadOnlySpan<byte> e = data.AsSpan(off, 24);
            uint nameIdx = BinaryPrimitives.ReadUInt32LittleEndian(e);
            byte info = e[4];
            ushort shndx = BinaryPrimitives.ReadUInt16LittleEndian(e[6..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
            byte type = (byte)(info & 0xf);
            byte bind = (byte)(info >> 4);
            if (type is not (0 or 1 or 2 or 10))
            {
                continue;     // skip SECTION, FILE, TLS, ...
            }

            if (shndx == 0 || shndx >= 0xff00)
            {
                continue;         // undefined, ABS, COMMON
            }

            string name = elf.ReadString(strtab.Offset, strtab.Size, nameIdx);
            if (name.Length == 0 || name.StartsWith(".L", StringComparison.Ordinal) || name[0] == '$')
            {
                continue;
            }

            symbols.Add(new ElfSymbol(name, value, size, type, bind is 1 or 2, shndx));
        }
        return new SymbolTable(symbols, elf);
    }

    // Among aliases: functions first, then NativeAOT method names (an [UnmanagedCallersOnly]
    // export such as "kmain" is also emitted under its managed name, which is the one people
    // search the C# for), then global binding.
    private static int Rank(ElfSymbol s) =>
        (s.Type == ElfSymbol.TypeFunc ? 4 : 0) + (NameDemangler.Readable(s.Name) is not null ? 2 : 0) + (s.IsGlobal ? 1 : 0);

    /// <summary>The symbol containing <paramref name="address"/>, or null when unknown.</summary>
    public ElfSymbol? Lookup(ulong address)
    {
        int hi = LastAtOrBefore(address);
        if (hi < 0)
        {
            return null;
        }

        // 1) A sized symbol containing the address. Functions do not nest, so a short
        //    backwards walk past labels and aliases is enough.
        ElfSymbol? best = null;
        for (int i = hi, steps = 0; i >= 0 && steps < 64; i--, steps++)
        {
            ElfSymbol s = _byAddress[i];
            if (s.Contains(address) && (best is null || Rank(s) > Rank(best.Value)))
            {
                best = s;
            }
        }
        if (best is not null)
        {
            return best;
        }

        // 2) The nearest preceding symbol, if it is unsized and in the same section.
        //    A sized symbol at that same address is more authoritative: it says where
        //    the code ends, so the address is past it. Among unsized aliases, one whose
        //    section does not hold the address (a linker-script symbol such as
        //    __text_start, counted in the section before) is passed over for one that does.
        ulong at = _byAddress[hi].Address;
        ElfSymbol? near = null;
        for (int i = hi; i >= 0 && _byAddress[i].Address == at; i--)
        {
            ElfSymbol s = _byAddress[i];
            if (s.Size != 0)
            {
                return null;
            }

            if (!InOwnSection(s, address))
            {
                continue;
            }

            if (near is null || Rank(s) > Rank(near.Value))
            {
                near = s;
            }
        }
        return near;
    }

    // True unless the symbol's section is known, loaded, and does not hold the address.
    private bool InOwnSection(ElfSymbol symbol, ulong address)
    {
        if (_elf is null || symbol.SectionIndex >= _elf.Sections.Count)
        {
            return true;
        }

        ElfSection sec = _elf.Sections[symbol.SectionIndex];
        return !sec.IsAlloc || sec.ContainsAddress(address);
    }

    /// <summary>The first symbol named exactly <paramref name="name"/>, or null.</summary>
    public ElfSymbol? FindByName(string name)
    {
        foreach (ElfSymbol s in _byAddress)
        {
            if (s.Name == name)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>The lowest address greater than <paramref name="address"/> at which some symbol starts, or null.</summary>
    public ulong? NextSymbolStart(ulong address)
    {
        int i = LastAtOrBefore(address) + 1;
        return i < _byAddress.Length ? _byAddress[i].Address : null;
    }

    private int LastAtOrBefore(ulong address)
    {
        int lo = 0, hi = _byAddress.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_byAddress[mid].Address <= address) { found = mid; lo = mid + 1; }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }
}
