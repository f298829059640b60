using System;
using System.Buffers.Binary;

namespace Microkernel.Tests;

/// <summary>
/// A small, fully valid static PIE (or ET_EXEC) laid out by hand, so each refusal fact can
/// change exactly one field. Layout (addresses as linked, + <c>link</c> for ET_EXEC):
/// <code>
/// file 0x0000  ELF header, program headers at 0x40; RELA table at 0x800   LOAD R   va 0x0000 size 0x1000
/// file 0x1000  code (entry 0x1000)                                        LOAD R X va 0x1000 size 0x100
/// file 0x2000  dynamic section; TLS template at 0x2800; data               LOAD RW  va 0x2000 file 0x1000 mem 0x3000
/// </code>
/// Program headers: 0 LOAD R, 1 LOAD RX, 2 LOAD RW, 3 DYNAMIC, 4 TLS, 5 GNU_STACK (RW), 6 GNU_RELRO
/// (0x2000..0x3000). Dynamic: 0 DT_RELA, 1 DT_RELASZ, 2 DT_RELAENT, 3.. DT_NULL (room for 8).
/// Relocations (R_X86_64_RELATIVE): targets 0x2100, 0x2108, 0x3000 (.bss), 0x4FF8 (last word).
/// </summary>
public static class SyntheticElf
{
    public const int FileLength = 0x3000;
    public const int ProgramHeaderCount = 7;
    public const int LoadR = 0, LoadRX = 1, LoadRW = 2, Dynamic = 3, Tls = 4, Stack = 5, Relro = 6;
    public const int RelaOffset = 0x800, RelaCount = 4, DynamicOffset = 0x2000;

    // ELF header fields
    public const int EType = 16, EMachine = 18, EVersion = 20, EEntry = 24, EPhoff = 32, EShoff = 40, EFlags = 48,
        EEhsize = 52, EPhentsize = 54, EPhnum = 56, EShentsize = 58, EShnum = 60, EShstrndx = 62;

    // Program header fields
    public const int PType = 0, PFlags = 4, POffset = 8, PVaddr = 16, PPaddr = 24, PFilesz = 32, PMemsz = 40, PAlign = 48;

    public const uint PtLoad = 1, PtDynamic = 2, PtInterp = 3, PtNote = 4, PtShlib = 5, PtPhdr = 6, PtTls = 7,
        PtGnuStack = 0x6474E551, PtGnuRelro = 0x6474E552;

    public const uint PfX = 1, PfW = 2, PfR = 4;

    public static readonly ulong[] RelocationTargets = { 0x2100, 0x2108, 0x3000, 0x4FF8 };
    public static readonly ulong[] RelocationAddends = { 0x1000, 0x2000, 0x2100, 0x0 };

    public static byte[] Pie() => Build(0, 3);

    public static byte[] Exec() => Build(0x40_0000, 2);

    public static byte[] Build(ulong link, ushort type)
    {
        byte[] f = new byte[FileLength];
        f[0] = 0x7F; f[1] = (byte)'E'; f[2] = (byte)'L'; f[3] = (byte)'F';
        f[4] = 2; f[5] = 1; f[6] = 1;
        U16(f, EType, type);
        U16(f, EMachine, 62);
        U32(f, EVersion, 1);
        U64(f, EEntry, link + 0x1000);
        U64(f, EPhoff, 64);
        U16(f, EEhsize, 64);
        U16(f, EPhentsize, 56);
        U16(f, EPhnum, ProgramHeaderCount);

        SetPh(f, LoadR, PtLoad, PfR, 0, link, 0x1000, 0x1000, 0x1000);
        SetPh(f, LoadRX, PtLoad, PfR | PfX, 0x1000, link + 0x1000, 0x100, 0x100, 0x1000);
        SetPh(f, LoadRW, PtLoad, PfR | PfW, 0x2000, link + 0x2000, 0x1000, 0x3000, 0x1000);
        SetPh(f, Dynamic, PtDynamic, PfR | PfW, DynamicOffset, link + DynamicOffset, 0x80, 0x80, 8);
        SetPh(f, Tls, PtTls, PfR, 0x2800, link + 0x2800, 0x10, 0x40, 16);
        SetPh(f, Stack, PtGnuStack, PfR | PfW, 0, 0, 0, 0, 16);
        SetPh(f, Relro, PtGnuRelro, PfR, 0x2000, link + 0x2000, 0x1000, 0x1000, 1);

        SetDyn(f, 0, 7, link + RelaOffset);      // DT_RELA
        SetDyn(f, 1, 8, RelaCount * 24);         // DT_RELASZ
        SetDyn(f, 2, 9, 24);                     // DT_RELAENT
        for (int i = 0; i < RelaCount; i++)
        {
            SetRela(f, i, link + RelocationTargets[i], 8, link + RelocationAddends[i]);
        }

        f[0x1000] = 0xF4; // hlt
        f[0x1001] = 0xEB; f[0x1002] = 0xFD; // jmp back
        for (int i = 0; i < 0x10; i++)
        {
            f[0x2800 + i] = (byte)(i + 1);
        }

        return f;
    }

    public static int Ph(int index) => 64 + (index * 56);

    public static int Dyn(int index) => DynamicOffset + (index * 16);

    public static int Rela(int index) => RelaOffset + (index * 24);

    public static void SetPh(byte[] f, int index, uint type, uint flags, ulong offset, ulong vaddr, ulong filesz, ulong memsz, ulong align)
    {
        int p = Ph(index);
        U32(f, p + PType, type);
        U32(f, p + PFlags, flags);
        U64(f, p + POffset, offset);
        U64(f, p + PVaddr, vaddr);
        U64(f, p + PPaddr, vaddr);
        U64(f, p + PFilesz, filesz);
        U64(f, p + PMemsz, memsz);
        U64(f, p + PAlign, align);
    }

    public static void SetDyn(byte[] f, int index, ulong tag, ulong value)
    {
        U64(f, Dyn(index), tag);
        U64(f, Dyn(index) + 8, value);
    }

    public static void SetRela(byte[] f, int index, ulong offset, ulong info, ulong addend)
    {
        U64(f, Rela(index), offset);
        U64(f, Rela(index) + 8, info);
        U64(f, Rela(index) + 16, addend);
    }

    public static void U16(byte[] f, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(at), v);

    public static void U32(byte[] f, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(at), v);

    public static void U64(byte[] f, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(at), v);

    public static ulong R64(byte[] f, int at) => BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(at));
}
