using System;

namespace Microkernel.Process.Elf;

/// <summary>Outcome of <see cref="ElfImage.TryParse"/>, <see cref="ElfImage.TryCreatePlan(ulong, out ElfLoadPlan)"/>,
/// <see cref="ElfImage.TryChooseBase"/> and <see cref="ElfLoadPlan.TryGetRelocation"/>: <see cref="Ok"/>, or the
/// one reason the file is refused. <see cref="ElfStatusText.Describe"/> gives the log text.</summary>
public enum ElfStatus : byte
{
    /// <summary>Valid; the out value is complete.</summary>
    Ok = 0,

    // ---- ELF header (e_ident and the fixed fields) ----

    /// <summary>The first four bytes are not 0x7F 'E' 'L' 'F'.</summary>
    BadMagic,
    /// <summary>Shorter than the 64-byte ELF64 header.</summary>
    TruncatedHeader,
    /// <summary>EI_CLASS is not ELFCLASS64.</summary>
    NotElf64,
    /// <summary>EI_DATA is not ELFDATA2LSB.</summary>
    NotLittleEndian,
    /// <summary>EI_VERSION or e_version is not EV_CURRENT (1).</summary>
    BadVersion,
    /// <summary>EI_OSABI is neither System V (0) nor GNU/Linux (3), or EI_ABIVERSION is not 0.</summary>
    UnsupportedOsAbi,
    /// <summary>e_type is not ET_EXEC or ET_DYN (relocatable objects and core files are not programs).</summary>
    UnsupportedType,
    /// <summary>e_machine is not EM_X86_64.</summary>
    NotX86_64,
    /// <summary>e_flags is not 0 (the x86-64 psABI defines no flags).</summary>
    BadFlags,
    /// <summary>e_ehsize is not 64.</summary>
    BadHeaderSize,
    /// <summary>e_phentsize is not 56.</summary>
    BadProgramHeaderSize,
    /// <summary>e_phoff + e_phnum * 56 is past the end of the file (or overflows), or e_phoff
    /// is inside the ELF header.</summary>
    ProgramHeadersOutsideFile,
    /// <summary>e_phnum is PN_XNUM (extended numbering) or above <see cref="ElfImage.MaxProgramHeaders"/>.</summary>
    TooManyProgramHeaders,
    /// <summary>Section header fields inconsistent: e_shentsize not 64, table past the end of the
    /// file, e_shstrndx out of range, or extended section numbering.</summary>
    BadSectionHeaderTable,

    // ---- program headers ----

    /// <summary>No PT_LOAD segment with memory.</summary>
    NoLoadSegments,
    /// <summary>More than <see cref="ElfImage.MaxLoadSegments"/> PT_LOAD segments.</summary>
    TooManyLoadSegments,
    /// <summary>A PT_LOAD's p_offset + p_filesz is past the end of the file (or overflows).</summary>
    SegmentOutsideFile,
    /// <summary>A PT_LOAD has p_filesz greater than p_memsz.</summary>
    FileSizeExceedsMemorySize,
    /// <summary>A PT_LOAD's p_align is not 0, 1 or a power of two from 4096 to 1 GiB.</summary>
    BadSegmentAlignment,
    /// <summary>A PT_LOAD's p_vaddr and p_offset differ modulo p_align.</summary>
    MisalignedSegment,
    /// <summary>PT_LOAD segments are not in ascending p_vaddr order (the gABI requires it).</summary>
    SegmentsNotSorted,
    /// <summary>Two PT_LOAD segments share a page once rounded out to page boundaries.</summary>
    OverlappingSegments,
    /// <summary>An address is outside the lower canonical half, overflows, or (with the load
    /// base) falls outside the allowed window.</summary>
    AddressOutOfRange,
    /// <summary>The loaded image spans more than <see cref="ElfImage.MaxImageSpan"/>.</summary>
    ImageTooLarge,
    /// <summary>A PT_LOAD asks for both PF_W and PF_X (W^X).</summary>
    WritableAndExecutableSegment,
    /// <summary>e_entry is not inside the file-backed bytes of an executable PT_LOAD.</summary>
    EntryNotExecutable,
    /// <summary>PT_GNU_STACK asks for an executable stack.</summary>
    ExecutableStack,
    /// <summary>PT_INTERP present: a dynamic linker is needed and there is none (static programs only).</summary>
    NeedsInterpreter,
    /// <summary>PT_SHLIB, whose semantics are unspecified.</summary>
    UnsupportedSegmentType,
    /// <summary>A second PT_DYNAMIC, PT_TLS, PT_GNU_STACK or PT_GNU_RELRO.</summary>
    DuplicateSegment,
    /// <summary>PT_TLS out of bounds: template past the end of the file or outside a PT_LOAD,
    /// p_filesz greater than p_memsz, alignment not a power of two up to 4096, or larger than
    /// <see cref="ElfImage.MaxTlsSize"/>.</summary>
    BadTls,
    /// <summary>PT_GNU_RELRO is not inside the pages of a writable PT_LOAD.</summary>
    BadRelro,

    // ---- dynamic section and relocations ----

    /// <summary>PT_DYNAMIC past the end of the file, a repeated tag, DT_RELASZ without DT_RELA
    /// (or the reverse), or a table size that is not a whole number of entries.</summary>
    BadDynamicSection,
    /// <summary>DT_NEEDED present: shared libraries need a dynamic linker (static programs only).</summary>
    NeedsSharedLibraries,
    /// <summary>DT_REL, DT_RELR, DT_PLTREL other than DT_RELA, or DT_RELAENT not 24.</summary>
    UnsupportedRelocationFormat,
    /// <summary>A relocation table is not inside the file-backed bytes of a PT_LOAD.</summary>
    RelocationTableOutsideImage,
    /// <summary>A relocation other than R_X86_64_RELATIVE with symbol 0.</summary>
    UnsupportedRelocation,
    /// <summary>A relocation writes outside the memory of a writable PT_LOAD.</summary>
    RelocationOutsideWritableSegment,
    /// <summary>A relocation target is not 8-byte aligned.</summary>
    MisalignedRelocation,

    // ---- load plans ----

    /// <summary>The load base is not 0 for ET_EXEC, or not a multiple of the image alignment for ET_DYN.</summary>
    BadLoadBase,
    /// <summary>The bytes given to <see cref="ElfLoadPlan.TryGetRelocation"/> are not the parsed file
    /// (different length), or the index is out of range.</summary>
    FileMismatch,
}

/// <summary>Log text for <see cref="ElfStatus"/>.</summary>
public static class ElfStatusText
{
    /// <summary>A short ASCII reason, for example "segment is both writable and executable (W^X)".</summary>
    public static ReadOnlySpan<byte> Describe(ElfStatus status)
    {
        switch (status)
        {
            case ElfStatus.Ok: return "ok"u8;
            case ElfStatus.BadMagic: return "not an ELF file (bad magic)"u8;
            case ElfStatus.TruncatedHeader: return "file shorter than the ELF64 header"u8;
            case ElfStatus.NotElf64: return "not ELF64 (EI_CLASS)"u8;
            case ElfStatus.NotLittleEndian: return "not little-endian (EI_DATA)"u8;
            case ElfStatus.BadVersion: return "ELF version is not 1"u8;
            case ElfStatus.UnsupportedOsAbi: return "OS ABI is not System V or GNU, or ABI version not 0"u8;
            case ElfStatus.UnsupportedType: return "not an executable (e_type is not ET_EXEC or ET_DYN)"u8;
            case ElfStatus.NotX86_64: return "machine is not x86-64"u8;
            case ElfStatus.BadFlags: return "e_flags is not 0"u8;
            case ElfStatus.BadHeaderSize: return "e_ehsize is not 64"u8;
            case ElfStatus.BadProgramHeaderSize: return "e_phentsize is not 56"u8;
            case ElfStatus.ProgramHeadersOutsideFile: return "program headers outside the file or inside the ELF header"u8;
            case ElfStatus.TooManyProgramHeaders: return "too many program headers"u8;
            case ElfStatus.BadSectionHeaderTable: return "section header table fields are inconsistent"u8;
            case ElfStatus.NoLoadSegments: return "no loadable segment"u8;
            case ElfStatus.TooManyLoadSegments: return "too many loadable segments"u8;
            case ElfStatus.SegmentOutsideFile: return "segment extends past the end of the file"u8;
            case ElfStatus.FileSizeExceedsMemorySize: return "segment file size exceeds its memory size"u8;
            case ElfStatus.BadSegmentAlignment: return "segment alignment is not a power of two from 4 KiB to 1 GiB"u8;
            case ElfStatus.MisalignedSegment: return "segment address and file offset differ modulo its alignment"u8;
            case ElfStatus.SegmentsNotSorted: return "loadable segments are not sorted by address"u8;
            case ElfStatus.OverlappingSegments: return "loadable segments overlap (after page rounding)"u8;
            case ElfStatus.AddressOutOfRange: return "address outside the user half or the allowed window"u8;
            case ElfStatus.ImageTooLarge: return "image spans more than 1 GiB"u8;
            case ElfStatus.WritableAndExecutableSegment: return "segment is both writable and executable (W^X)"u8;
            case ElfStatus.EntryNotExecutable: return "entry point is not in an executable segment"u8;
            case ElfStatus.ExecutableStack: return "executable stack requested (PT_GNU_STACK)"u8;
            case ElfStatus.NeedsInterpreter: return "needs a dynamic linker (PT_INTERP); only static programs load"u8;
            case ElfStatus.UnsupportedSegmentType: return "unsupported segment type (PT_SHLIB)"u8;
            case ElfStatus.DuplicateSegment: return "repeated PT_DYNAMIC, PT_TLS, PT_GNU_STACK or PT_GNU_RELRO"u8;
            case ElfStatus.BadTls: return "TLS segment out of bounds or badly aligned"u8;
            case ElfStatus.BadRelro: return "RELRO segment is not inside a writable segment"u8;
            case ElfStatus.BadDynamicSection: return "malformed dynamic section"u8;
            case ElfStatus.NeedsSharedLibraries: return "needs shared libraries (DT_NEEDED); only static programs load"u8;
            case ElfStatus.UnsupportedRelocationFormat: return "unsupported relocation table format (only RELA)"u8;
            case ElfStatus.RelocationTableOutsideImage: return "relocation table is not inside a loaded segment"u8;
            case ElfStatus.UnsupportedRelocation: return "unsupported relocation (only R_X86_64_RELATIVE)"u8;
            case ElfStatus.RelocationOutsideWritableSegment: return "relocation target outside a writable segment"u8;
            case ElfStatus.MisalignedRelocation: return "relocation target not 8-byte aligned"u8;
            case ElfStatus.BadLoadBase: return "load base misaligned (or non-zero for ET_EXEC)"u8;
            case ElfStatus.FileMismatch: return "file differs from the one parsed, or index out of range"u8;
            default: return "unknown ELF status"u8;
        }
    }
}
