namespace CrashSymbolizer;

/// <summary>One entry of an ELF64 section header table.</summary>
/// <param name="Index">Position in the section header table.</param>
/// <param name="Name">Name from the section header string table (may be empty).</param>
/// <param name="Type">sh_type (1 = PROGBITS, 2 = SYMTAB, 8 = NOBITS, ...).</param>
/// <param name="Flags">sh_flags (SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_COMPRESSED = 0x800).</param>
/// <param name="Address">Virtual (= link) address when the section is loaded.</param>
/// <param name="Offset">File offset of the section contents.</param>
/// <param name="Size">Size in bytes (in memory; for NOBITS there are no file bytes).</param>
/// <param name="Link">sh_link (for a symbol table: the index of its string table).</param>
/// <param name="EntrySize">sh_entsize for table sections.</param>
public sealed record ElfSection(
    int Index, string Name, uint Type, ulong Flags, ulong Address,
    ulong Offset, ulong Size, uint Link, ulong EntrySize)
{
    /// <summary>SHT_NOBITS: occupies memory but has no bytes in the file (.bss).</summary>
    public const uint TypeNoBits = 8;
    /// <summary>SHT_SYMTAB.</summary>
    public const uint TypeSymTab = 2;
    /// <summary>SHT_DYNSYM.</summary>
    public const uint TypeDynSym = 11;

    /// <summary>True when the section occupies memory at run time (SHF_ALLOC).</summary>
    public bool IsAlloc => (Flags & 0x2) != 0;

    /// <summary>True when the section holds machine code (SHF_EXECINSTR).</summary>
    public bool IsExecutable => (Flags & 0x4) != 0;

    /// <summary>True when the contents are stored with an Elf64_Chdr header (SHF_COMPRESSED).</summary>
    public bool IsCompressed => (Flags & 0x800) != 0;

    /// <summary>True when the section has no bytes in the file.</summary>
    public bool IsNoBits => Type == TypeNoBits;

    /// <summary>True when <paramref name="address"/> lies inside the loaded section.</summary>
    public bool ContainsAddress(ulong address) => IsAlloc && address >= Address && address - Address < Size;
}
