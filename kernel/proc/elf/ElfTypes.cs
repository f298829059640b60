using System;

namespace Microkernel.Process.Elf;

/// <summary>How a validated image is placed.</summary>
public enum ElfKind : byte
{
    /// <summary>ET_EXEC: linked at fixed addresses; the load base is 0.</summary>
    Executable = 0,

    /// <summary>ET_DYN (static PIE): linked at 0-based addresses; the caller picks a base
    /// (<see cref="ElfImage.TryChooseBase"/>) and applies the relocations.</summary>
    PositionIndependent = 1,
}

/// <summary>Access a segment asks for. Same bit values as
/// <c>Microkernel.Memory.Virtual.VmProtection</c>, so a cast converts. Write and Execute
/// never come together: such a segment is refused.</summary>
[Flags]
public enum ElfProtection : byte
{
    /// <summary>No access.</summary>
    None = 0,

    /// <summary>PF_R.</summary>
    Read = 1,

    /// <summary>PF_W.</summary>
    Write = 2,

    /// <summary>PF_X.</summary>
    Execute = 4,
}

/// <summary>One PT_LOAD segment, as linked (<see cref="ElfImage.Segment"/>) or with the
/// load base applied (<see cref="ElfLoadPlan.Segment"/>).</summary>
/// <remarks>To load it: map [<see cref="MapStart"/>, <see cref="MapStart"/> +
/// <see cref="MapLength"/>) zero-filled; copy <see cref="FileSize"/> bytes from file offset
/// <see cref="FileOffset"/> to <see cref="VirtualAddress"/>; everything else in the mapping
/// (the page head before <see cref="VirtualAddress"/>, the <see cref="ZeroLength"/> bytes of
/// .bss at <see cref="ZeroStart"/>, the page tail) is zero; apply the relocations; then set
/// <see cref="Protection"/> (and make the plan's RELRO range read-only).</remarks>
public readonly struct ElfSegment
{
    /// <summary>p_vaddr (+ base): where the first file byte goes. Not necessarily page aligned.</summary>
    public readonly ulong VirtualAddress;

    /// <summary>p_memsz: bytes of memory from <see cref="VirtualAddress"/>.</summary>
    public readonly ulong MemorySize;

    /// <summary>p_offset: where the bytes to copy start in the file.</summary>
    public readonly ulong FileOffset;

    /// <summary>p_filesz: bytes to copy (at most <see cref="MemorySize"/>; inside the file).</summary>
    public readonly ulong FileSize;

    /// <summary>PF_R/PF_W/PF_X translated.</summary>
    public readonly ElfProtection Protection;

    /// <summary>A segment; the parser creates these only from validated fields.</summary>
    public ElfSegment(ulong virtualAddress, ulong memorySize, ulong fileOffset, ulong fileSize, ElfProtection protection)
    {
        VirtualAddress = virtualAddress;
        MemorySize = memorySize;
        FileOffset = fileOffset;
        FileSize = fileSize;
        Protection = protection;
    }

    /// <summary><see cref="VirtualAddress"/> rounded down to a page.</summary>
    public ulong MapStart => VirtualAddress & ~(ElfImage.PageSize - 1);

    /// <summary>Page-rounded length of the mapping from <see cref="MapStart"/>.</summary>
    public ulong MapLength => ElfImage.PageRoundUp(VirtualAddress + MemorySize) - MapStart;

    /// <summary>Offset of <see cref="VirtualAddress"/> inside its first page.</summary>
    public ulong PageOffset => VirtualAddress - MapStart;

    /// <summary>First byte of the zero-filled tail (.bss): <see cref="VirtualAddress"/> + <see cref="FileSize"/>.</summary>
    public ulong ZeroStart => VirtualAddress + FileSize;

    /// <summary>Bytes of zero-filled tail: <see cref="MemorySize"/> - <see cref="FileSize"/>.</summary>
    public ulong ZeroLength => MemorySize - FileSize;

    /// <summary>True when [address, address + length) lies inside [VirtualAddress, VirtualAddress + MemorySize).</summary>
    public bool ContainsMemory(ulong address, ulong length)
    {
        return address >= VirtualAddress && address - VirtualAddress <= MemorySize && length <= MemorySize - (address - VirtualAddress);
    }

    /// <summary>True when [address, address + length) lies inside the file-backed part, [VirtualAddress, VirtualAddress + FileSize).</summary>
    public bool ContainsFileBytes(ulong address, ulong length)
    {
        return address >= VirtualAddress && address - VirtualAddress <= FileSize && length <= FileSize - (address - VirtualAddress);
    }
}

/// <summary>The PT_TLS template: the kernel builds each thread's TLS block from it (copy
/// <see cref="FileSize"/> bytes, zero up to <see cref="MemorySize"/>, align to
/// <see cref="Alignment"/>) and points FS at it (variant II: the block ends at the thread pointer).</summary>
public readonly struct ElfTls
{
    /// <summary>p_vaddr (+ base) of the initialised template in the loaded image (0 when <see cref="FileSize"/> is 0).</summary>
    public readonly ulong TemplateAddress;

    /// <summary>p_offset: the template in the file (inside the file).</summary>
    public readonly ulong FileOffset;

    /// <summary>p_filesz: initialised bytes (.tdata).</summary>
    public readonly ulong FileSize;

    /// <summary>p_memsz: whole block (.tdata + .tbss), at most <see cref="ElfImage.MaxTlsSize"/>.</summary>
    public readonly ulong MemorySize;

    /// <summary>p_align, normalised: a power of two from 1 to 4096.</summary>
    public readonly ulong Alignment;

    /// <summary>A template; the parser creates these only from validated fields.</summary>
    public ElfTls(ulong templateAddress, ulong fileOffset, ulong fileSize, ulong memorySize, ulong alignment)
    {
        TemplateAddress = templateAddress;
        FileOffset = fileOffset;
        FileSize = fileSize;
        MemorySize = memorySize;
        Alignment = alignment;
    }
}

/// <summary>One R_X86_64_RELATIVE relocation with the base applied: store the 64-bit
/// <see cref="Value"/> (base + addend) at <see cref="Address"/> (8-byte aligned, inside a
/// writable segment).</summary>
public readonly struct ElfRelocation
{
    /// <summary>Where to store (base + r_offset).</summary>
    public readonly ulong Address;

    /// <summary>What to store (base + r_addend, modulo 2^64).</summary>
    public readonly ulong Value;

    /// <summary>A relocation.</summary>
    public ElfRelocation(ulong address, ulong value)
    {
        Address = address;
        Value = value;
    }
}

/// <summary>Field offsets and constants of the ELF64 format (gABI, x86-64 psABI).</summary>
internal static class ElfFormat
{
    public const int HeaderSize = 64;
    public const int ProgramHeaderSize = 56;
    public const int SectionHeaderSize = 64;
    public const int DynamicEntrySize = 16;
    public const int RelaEntrySize = 24;

    // e_ident
    public const int IdentClass = 4;
    public const int IdentData = 5;
    public const int IdentVersion = 6;
    public const int IdentOsAbi = 7;
    public const int IdentAbiVersion = 8;
    public const byte Class64 = 2;
    public const byte Data2Lsb = 1;
    public const byte OsAbiSystemV = 0;
    public const byte OsAbiGnu = 3;

    // ELF header fields
    public const int Type = 16;
    public const int Machine = 18;
    public const int Version = 20;
    public const int Entry = 24;
    public const int PhOff = 32;
    public const int ShOff = 40;
    public const int Flags = 48;
    public const int EhSize = 52;
    public const int PhEntSize = 54;
    public const int PhNum = 56;
    public const int ShEntSize = 58;
    public const int ShNum = 60;
    public const int ShStrNdx = 62;

    public const ushort TypeExec = 2;
    public const ushort TypeDyn = 3;
    public const ushort MachineX86_64 = 62;
    public const ushort ExtendedNumbering = 0xFFFF; // PN_XNUM, SHN_XINDEX

    // Program header fields
    public const int PType = 0;
    public const int PFlags = 4;
    public const int POffset = 8;
    public const int PVaddr = 16;
    public const int PFilesz = 32;
    public const int PMemsz = 40;
    public const int PAlign = 48;

    public const uint PtLoad = 1;
    public const uint PtDynamic = 2;
    public const uint PtInterp = 3;
    public const uint PtShlib = 5;
    public const uint PtTls = 7;
    public const uint PtGnuStack = 0x6474E551;
    public const uint PtGnuRelro = 0x6474E552;

    public const uint PfX = 1;
    public const uint PfW = 2;
    public const uint PfR = 4;

    // Dynamic tags
    public const ulong DtNull = 0;
    public const ulong DtNeeded = 1;
    public const ulong DtPltRelSz = 2;
    public const ulong DtRela = 7;
    public const ulong DtRelaSz = 8;
    public const ulong DtRelaEnt = 9;
    public const ulong DtRel = 17;
    public const ulong DtRelSz = 18;
    public const ulong DtRelEnt = 19;
    public const ulong DtPltRel = 20;
    public const ulong DtJmpRel = 23;
    public const ulong DtRelrSz = 35;
    public const ulong DtRelr = 36;
    public const ulong DtRelrEnt = 37;

    // Relocations
    public const uint RX86_64Relative = 8;
}
