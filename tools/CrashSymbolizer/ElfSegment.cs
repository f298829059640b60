namespace CrashSymbolizer;

/// <summary>One PT_LOAD entry of an ELF64 program header table.</summary>
/// <param name="VirtualAddress">p_vaddr: where the segment starts in memory (for a PIE, relative to the load base).</param>
/// <param name="Offset">p_offset: file offset of the segment's bytes.</param>
/// <param name="FileSize">p_filesz: bytes present in the file.</param>
/// <param name="MemorySize">p_memsz: bytes occupied in memory (at least <paramref name="FileSize"/>; the rest is zeroed).</param>
/// <param name="Flags">p_flags (PF_X = 1, PF_W = 2, PF_R = 4).</param>
public readonly record struct ElfSegment(ulong VirtualAddress, ulong Offset, ulong FileSize, ulong MemorySize, uint Flags);
