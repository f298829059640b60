namespace CrashSymbolizer;

/// <summary>One usable entry of an ELF symbol table.</summary>
/// <param name="Name">The symbol name exactly as stored (NativeAOT names are mangled).</param>
/// <param name="Address">st_value: the link (= virtual) address.</param>
/// <param name="Size">st_size; 0 when the producer did not record one.</param>
/// <param name="Type">STT_* (0 NOTYPE, 1 OBJECT, 2 FUNC, 10 GNU_IFUNC).</param>
/// <param name="IsGlobal">True for STB_GLOBAL and STB_WEAK bindings.</param>
/// <param name="SectionIndex">st_shndx: the section the symbol is defined in.</param>
public readonly record struct ElfSymbol(string Name, ulong Address, ulong Size, byte Type, bool IsGlobal, int SectionIndex)
{
    /// <summary>STT_FUNC.</summary>
    public const byte TypeFunc = 2;

    /// <summary>True when the symbol has a size and <paramref name="address"/> is inside it.</summary>
    public bool Contains(ulong address) => Size != 0 && address >= Address && address - Address < Size;
}
