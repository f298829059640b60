using System;
using System.Collections.Generic;
using System.Linq;
using Microkernel.Process.Elf;
using Xunit;
using static Microkernel.Tests.SyntheticElf;

namespace Microkernel.Tests;

/// <summary>One change to a valid file per case, and the exact status it must produce;
/// every <see cref="ElfStatus"/> refusal is covered (checked by the last fact).</summary>
public class RefusalFacts
{
    private static byte[] Pie(Action<byte[]> change)
    {
        byte[] f = SyntheticElf.Pie();
        change(f);
        return f;
    }

    private static byte[] Exec(Action<byte[]> change)
    {
        byte[] f = SyntheticElf.Exec();
        change(f);
        return f;
    }

    private static void Phnum(byte[] f, int n) => U16(f, EPhnum, (ushort)n);

    private static readonly Dictionary<string, (ElfStatus Status, Func<byte[]> File)> s_cases = new()
    {
        ["empty file"] = (ElfStatus.BadMagic, () => Array.Empty<byte>()),
        ["three bytes"] = (ElfStatus.BadMagic, () => SyntheticElf.Pie()[..3]),
        ["bad magic"] = (ElfStatus.BadMagic, () => Pie(f => f[1] = (byte)'e')),
        ["header cut short"] = (ElfStatus.TruncatedHeader, () => SyntheticElf.Pie()[..63]),
        ["ELFCLASS32"] = (ElfStatus.NotElf64, () => Pie(f => f[4] = 1)),
        ["big-endian"] = (ElfStatus.NotLittleEndian, () => Pie(f => f[5] = 2)),
        ["EI_VERSION 0"] = (ElfStatus.BadVersion, () => Pie(f => f[6] = 0)),
        ["e_version 2"] = (ElfStatus.BadVersion, () => Pie(f => U32(f, EVersion, 2))),
        ["OS ABI FreeBSD"] = (ElfStatus.UnsupportedOsAbi, () => Pie(f => f[7] = 9)),
        ["ABI version 1"] = (ElfStatus.UnsupportedOsAbi, () => Pie(f => f[8] = 1)),
        ["ET_REL"] = (ElfStatus.UnsupportedType, () => Pie(f => U16(f, EType, 1))),
        ["ET_CORE"] = (ElfStatus.UnsupportedType, () => Pie(f => U16(f, EType, 4))),
        ["EM_386"] = (ElfStatus.NotX86_64, () => Pie(f => U16(f, EMachine, 3))),
        ["e_flags set"] = (ElfStatus.BadFlags, () => Pie(f => U32(f, EFlags, 1))),
        ["e_ehsize 52"] = (ElfStatus.BadHeaderSize, () => Pie(f => U16(f, EEhsize, 52))),
        ["e_phentsize 32"] = (ElfStatus.BadProgramHeaderSize, () => Pie(f => U16(f, EPhentsize, 32))),
        ["phoff past end"] = (ElfStatus.ProgramHeadersOutsideFile, () => Pie(f => U64(f, EPhoff, FileLength - 100))),
        ["phoff overflows"] = (ElfStatus.ProgramHeadersOutsideFile, () => Pie(f => U64(f, EPhoff, ulong.MaxValue - 8))),
        ["phoff inside header"] = (ElfStatus.ProgramHeadersOutsideFile, () => Pie(f => U64(f, EPhoff, 8))),
        ["phnum PN_XNUM"] = (ElfStatus.TooManyProgramHeaders, () => Pie(f => Phnum(f, 0xFFFF))),
        ["phnum 257"] = (ElfStatus.TooManyProgramHeaders, () => Pie(f => Phnum(f, 257))),
        ["shnum without shoff"] = (ElfStatus.BadSectionHeaderTable, () => Pie(f => { U16(f, EShnum, 1); U16(f, EShentsize, 64); })),
        ["sections past end"] = (ElfStatus.BadSectionHeaderTable, () => Pie(f => { U16(f, EShnum, 2); U16(f, EShentsize, 64); U64(f, EShoff, FileLength - 64); })),
        ["shentsize 40"] = (ElfStatus.BadSectionHeaderTable, () => Pie(f => { U16(f, EShnum, 1); U16(f, EShentsize, 40); U64(f, EShoff, 0x900); })),
        ["extended section numbering"] = (ElfStatus.BadSectionHeaderTable, () => Pie(f => { U16(f, EShentsize, 64); U64(f, EShoff, 0x900); })),
        ["shstrndx out of range"] = (ElfStatus.BadSectionHeaderTable, () => Pie(f => { U16(f, EShnum, 2); U16(f, EShentsize, 64); U64(f, EShoff, 0x900); U16(f, EShstrndx, 2); })),
        ["phnum 0"] = (ElfStatus.NoLoadSegments, () => Pie(f => Phnum(f, 0))),
        ["only empty loads"] = (ElfStatus.NoLoadSegments, () => Pie(f => { for (int i = 0; i < 3; i++) { U64(f, Ph(i) + PMemsz, 0); } for (int i = 0; i < 3; i++) { U64(f, Ph(i) + PFilesz, 0); } })),
        ["17 loads"] = (ElfStatus.TooManyLoadSegments, () => Pie(f =>
        {
            for (int i = 0; i < 14; i++)
            {
                SetPh(f, 7 + i, PtLoad, PfR, 0, 0x10_0000 + ((ulong)i * 0x1000), 0, 0x1000, 0x1000);
            }

            Phnum(f, 21);
        })),
        ["segment past end of file"] = (ElfStatus.SegmentOutsideFile, () => Pie(f => { U64(f, Ph(LoadRW) + PFilesz, 0x1001); })),
        ["segment offset overflows"] = (ElfStatus.SegmentOutsideFile, () => Pie(f => { U64(f, Ph(LoadRW) + POffset, ulong.MaxValue - 0xFFF); })),
        ["filesz above memsz"] = (ElfStatus.FileSizeExceedsMemorySize, () => Pie(f => U64(f, Ph(LoadRX) + PFilesz, 0x101))),
        ["align 2048"] = (ElfStatus.BadSegmentAlignment, () => Pie(f => U64(f, Ph(LoadRX) + PAlign, 0x800))),
        ["align not a power of two"] = (ElfStatus.BadSegmentAlignment, () => Pie(f => U64(f, Ph(LoadRX) + PAlign, 0x3000))),
        ["align 2 GiB"] = (ElfStatus.BadSegmentAlignment, () => Pie(f => U64(f, Ph(LoadRX) + PAlign, 1UL << 31))),
        ["vaddr not congruent to offset"] = (ElfStatus.MisalignedSegment, () => Pie(f => U64(f, Ph(LoadRX) + PVaddr, 0x1010))),
        ["loads out of order"] = (ElfStatus.SegmentsNotSorted, () => Pie(f =>
        {
            byte[] first = f[Ph(0)..Ph(1)];
            Array.Copy(f, Ph(1), f, Ph(0), 56);
            first.CopyTo(f, Ph(1));
        })),
        ["loads share a page"] = (ElfStatus.OverlappingSegments, () => Pie(f => { U64(f, Ph(LoadR) + PMemsz, 0x1001); })),
        ["loads overlap outright"] = (ElfStatus.OverlappingSegments, () => Pie(f => { U64(f, Ph(LoadRX) + PVaddr, 0x0); U64(f, Ph(LoadRX) + PAlign, 0x1000); })),
        ["segment crosses the lower half's end"] = (ElfStatus.AddressOutOfRange, () => Pie(f => U64(f, Ph(LoadRW) + PVaddr, (1UL << 47) - 0x2000))),
        ["segment in the upper half"] = (ElfStatus.AddressOutOfRange, () => Pie(f => U64(f, Ph(LoadRW) + PVaddr, 0xFFFF_8000_0000_2000))),
        ["segment end overflows"] = (ElfStatus.AddressOutOfRange, () => Pie(f => U64(f, Ph(LoadRW) + PMemsz, ulong.MaxValue - 0x1000))),
        ["ET_EXEC at page 0"] = (ElfStatus.AddressOutOfRange, () => Pie(f => U16(f, EType, 2))),
        ["span above 1 GiB"] = (ElfStatus.ImageTooLarge, () => Pie(f => U64(f, Ph(LoadRW) + PMemsz, 1UL << 30))),
        ["RWX segment"] = (ElfStatus.WritableAndExecutableSegment, () => Pie(f => U32(f, Ph(LoadRX) + PFlags, PfR | PfW | PfX))),
        ["WX segment without R"] = (ElfStatus.WritableAndExecutableSegment, () => Pie(f => U32(f, Ph(LoadRW) + PFlags, PfW | PfX))),
        ["entry in data"] = (ElfStatus.EntryNotExecutable, () => Pie(f => U64(f, EEntry, 0x2000))),
        ["entry just past the code"] = (ElfStatus.EntryNotExecutable, () => Pie(f => U64(f, EEntry, 0x1100))),
        ["entry in read-only data"] = (ElfStatus.EntryNotExecutable, () => Pie(f => U64(f, EEntry, 0x10))),
        ["entry outside the image"] = (ElfStatus.EntryNotExecutable, () => Pie(f => U64(f, EEntry, 0xDEAD_0000))),
        ["executable stack"] = (ElfStatus.ExecutableStack, () => Pie(f => U32(f, Ph(Stack) + PFlags, PfR | PfW | PfX))),
        ["PT_INTERP"] = (ElfStatus.NeedsInterpreter, () => Pie(f => U32(f, Ph(Stack) + PType, PtInterp))),
        ["PT_SHLIB"] = (ElfStatus.UnsupportedSegmentType, () => Pie(f => U32(f, Ph(Stack) + PType, PtShlib))),
        ["two PT_TLS"] = (ElfStatus.DuplicateSegment, () => Pie(f => U32(f, Ph(Relro) + PType, PtTls))),
        ["two PT_DYNAMIC"] = (ElfStatus.DuplicateSegment, () => Pie(f => U32(f, Ph(Relro) + PType, PtDynamic))),
        ["two PT_GNU_STACK"] = (ElfStatus.DuplicateSegment, () => Pie(f => U32(f, Ph(Relro) + PType, PtGnuStack))),
        ["two PT_GNU_RELRO"] = (ElfStatus.DuplicateSegment, () => Pie(f => U32(f, Ph(Stack) + PType, PtGnuRelro))),
        ["TLS filesz above memsz"] = (ElfStatus.BadTls, () => Pie(f => U64(f, Ph(Tls) + PFilesz, 0x41))),
        ["TLS align 3"] = (ElfStatus.BadTls, () => Pie(f => U64(f, Ph(Tls) + PAlign, 3))),
        ["TLS align 8192"] = (ElfStatus.BadTls, () => Pie(f => U64(f, Ph(Tls) + PAlign, 8192))),
        ["TLS 32 MiB"] = (ElfStatus.BadTls, () => Pie(f => U64(f, Ph(Tls) + PMemsz, 32UL << 20))),
        ["TLS template past end of file"] = (ElfStatus.BadTls, () => Pie(f => U64(f, Ph(Tls) + POffset, FileLength - 8))),
        ["TLS template in .bss"] = (ElfStatus.BadTls, () => Pie(f => { U64(f, Ph(Tls) + PVaddr, 0x3800); })),
        ["TLS template address and offset disagree"] = (ElfStatus.BadTls, () => Pie(f => U64(f, Ph(Tls) + POffset, 0x2900))),
        ["RELRO over code"] = (ElfStatus.BadRelro, () => Pie(f => U64(f, Ph(Relro) + PVaddr, 0x1000))),
        ["RELRO past the writable pages"] = (ElfStatus.BadRelro, () => Pie(f => U64(f, Ph(Relro) + PMemsz, 0x3001))),
        ["PT_DYNAMIC past end of file"] = (ElfStatus.BadDynamicSection, () => Pie(f => U64(f, Ph(Dynamic) + POffset, FileLength - 0x40))),
        ["DT_RELA twice"] = (ElfStatus.BadDynamicSection, () => Pie(f => SetDyn(f, 3, 7, RelaOffset))),
        ["DT_RELASZ without DT_RELA"] = (ElfStatus.BadDynamicSection, () => Pie(f => SetDyn(f, 0, 0x6FFFFEF5, 0))),
        ["DT_RELA without DT_RELASZ"] = (ElfStatus.BadDynamicSection, () => Pie(f => SetDyn(f, 1, 0x6FFFFEF5, 0))),
        ["DT_RELASZ not whole entries"] = (ElfStatus.BadDynamicSection, () => Pie(f => SetDyn(f, 1, 8, 95))),
        ["DT_PLTRELSZ without DT_JMPREL"] = (ElfStatus.BadDynamicSection, () => Pie(f => { SetDyn(f, 3, 2, 24); SetDyn(f, 4, 20, 7); })),
        ["DT_NEEDED"] = (ElfStatus.NeedsSharedLibraries, () => Pie(f => SetDyn(f, 3, 1, 1))),
        ["DT_REL"] = (ElfStatus.UnsupportedRelocationFormat, () => Pie(f => SetDyn(f, 3, 17, RelaOffset))),
        ["DT_RELSZ"] = (ElfStatus.UnsupportedRelocationFormat, () => Pie(f => SetDyn(f, 3, 18, 16))),
        ["DT_RELR"] = (ElfStatus.UnsupportedRelocationFormat, () => Pie(f => SetDyn(f, 3, 36, RelaOffset))),
        ["DT_RELRSZ"] = (ElfStatus.UnsupportedRelocationFormat, () => Pie(f => SetDyn(f, 3, 35, 8))),
        ["DT_RELAENT 16"] = (ElfStatus.UnsupportedRelocationFormat, () => Pie(f => SetDyn(f, 2, 9, 16))),
        ["DT_RELAENT missing"] = (ElfStatus.UnsupportedRelocationFormat, () => Pie(f => SetDyn(f, 2, 0x6FFFFEF5, 0))),
        ["DT_PLTREL is DT_REL"] = (ElfStatus.UnsupportedRelocationFormat, () => Pie(f => { SetDyn(f, 3, 2, 24); SetDyn(f, 4, 20, 17); SetDyn(f, 5, 23, RelaOffset); })),
        ["RELA table in .bss"] = (ElfStatus.RelocationTableOutsideImage, () => Pie(f => SetDyn(f, 0, 7, 0x3100))),
        ["RELA table runs past its segment"] = (ElfStatus.RelocationTableOutsideImage, () => Pie(f => SetDyn(f, 0, 7, 0xFF0))),
        ["RELA table outside the image"] = (ElfStatus.RelocationTableOutsideImage, () => Pie(f => SetDyn(f, 0, 7, ulong.MaxValue - 8))),
        ["R_X86_64_64"] = (ElfStatus.UnsupportedRelocation, () => Pie(f => U64(f, Rela(2) + 8, 1))),
        ["R_X86_64_IRELATIVE"] = (ElfStatus.UnsupportedRelocation, () => Pie(f => U64(f, Rela(1) + 8, 37))),
        ["R_X86_64_NONE"] = (ElfStatus.UnsupportedRelocation, () => Pie(f => U64(f, Rela(0) + 8, 0))),
        ["RELATIVE with a symbol"] = (ElfStatus.UnsupportedRelocation, () => Pie(f => U64(f, Rela(3) + 8, (1UL << 32) | 8))),
        ["relocation into code"] = (ElfStatus.RelocationOutsideWritableSegment, () => Pie(f => U64(f, Rela(0), 0x1000))),
        ["relocation into read-only data"] = (ElfStatus.RelocationOutsideWritableSegment, () => Pie(f => U64(f, Rela(0), 0x800))),
        ["relocation past .bss"] = (ElfStatus.RelocationOutsideWritableSegment, () => Pie(f => U64(f, Rela(3), 0x5000))),
        ["relocation far away"] = (ElfStatus.RelocationOutsideWritableSegment, () => Pie(f => U64(f, Rela(3), ulong.MaxValue - 7))),
        ["relocation in JMPREL into code"] = (ElfStatus.RelocationOutsideWritableSegment, () => Pie(f =>
        {
            SetDyn(f, 3, 2, 24); SetDyn(f, 4, 20, 7); SetDyn(f, 5, 23, 0x900);
            SetRela(f, 4, 0x1008, 8, 0); // entry 4 lives at 0x860; JMPREL table at 0x900
            Array.Copy(f, Rela(4), f, 0x900, 24);
        })),
        ["misaligned relocation"] = (ElfStatus.MisalignedRelocation, () => Pie(f => U64(f, Rela(1), 0x2104))),
    };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in s_cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_unchanged_files_are_accepted()
    {
        foreach (byte[] file in new[] { SyntheticElf.Pie(), SyntheticElf.Exec() })
        {
            Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(file, out ElfImage image));
            ulong loadBase = image.Kind == ElfKind.PositionIndependent ? 0x5555_5555_0000UL : 0;
            Assert.Equal(ElfStatus.Ok, image.TryCreatePlan(loadBase, out ElfLoadPlan plan));
            PlanInvariants.Check(file, image, plan);
            Assert.Equal(3, plan.SegmentCount);
            Assert.Equal(RelaCount, plan.RelocationCount);
            for (int i = 0; i < RelaCount; i++)
            {
                Assert.Equal(ElfStatus.Ok, plan.TryGetRelocation(file, i, out ElfRelocation r));
                ulong link = image.Kind == ElfKind.Executable ? 0x40_0000UL : 0;
                Assert.Equal(loadBase + link + RelocationTargets[i], r.Address);
                Assert.Equal(loadBase + link + RelocationAddends[i], r.Value);
            }

            Assert.Equal(loadBase + image.LinkStart, plan.ImageStart);
            Assert.Equal(0x5000UL, plan.ImageEnd - plan.ImageStart);
            Assert.Equal(loadBase + image.LinkStart + 0x2000, plan.RelroStart);
            Assert.Equal(0x1000UL, plan.RelroLength);
            Assert.Equal(loadBase + image.LinkStart + 64, plan.ProgramHeaderAddress);
            ElfSegment data = plan.Segment(2);
            Assert.Equal(loadBase + image.LinkStart + 0x3000, data.ZeroStart);
            Assert.Equal(0x2000UL, data.ZeroLength);
            Assert.Equal(0x10UL, plan.Tls.FileSize);
            Assert.Equal(0x40UL, plan.Tls.MemorySize);
            Assert.Equal(16UL, plan.Tls.Alignment);
            Assert.Equal(loadBase + image.LinkStart + 0x2800, plan.Tls.TemplateAddress);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Refused_with_the_specific_reason(string name)
    {
        (ElfStatus expected, Func<byte[]> make) = s_cases[name];
        byte[] file = make();
        Assert.Equal(expected, ElfImage.TryParse(file, out ElfImage image));
        Assert.Equal(0, image.SegmentCount);
        Assert.Equal(0, image.RelocationCount);
        Assert.Equal(ElfStatus.NoLoadSegments, image.TryCreatePlan(0, out _));
    }

    [Fact]
    public void Every_refusal_reason_has_a_case()
    {
        var covered = s_cases.Values.Select(c => c.Status).ToHashSet();
        covered.Add(ElfStatus.Ok);
        covered.Add(ElfStatus.BadLoadBase);   // RealElfTests, plan facts
        covered.Add(ElfStatus.FileMismatch);  // RealElfTests, PlanInvariants
        Assert.Equal(Array.Empty<ElfStatus>(), Enum.GetValues<ElfStatus>().Where(s => !covered.Contains(s)).ToArray());
    }

    [Theory]
    [InlineData("OS ABI GNU")]
    [InlineData("align 0 and 1")]
    [InlineData("align 2 MiB")]
    [InlineData("no dynamic section")]
    [InlineData("no TLS, no stack, no RELRO")]
    [InlineData("empty PT_LOAD ignored")]
    [InlineData("notes and PT_PHDR ignored")]
    [InlineData("valid section table")]
    [InlineData("JMPREL of RELATIVE relocations")]
    [InlineData("RELRO padded to its page end")]
    [InlineData("DT_RELSZ 0 and DT_TEXTREL")]
    [InlineData("TLS with only .tbss")]
    public void Accepted_variants(string name)
    {
        byte[] f = SyntheticElf.Pie();
        int extraRelocations = 0;
        switch (name)
        {
            case "OS ABI GNU": f[7] = 3; break;
            case "align 0 and 1": U64(f, Ph(LoadR) + PAlign, 0); U64(f, Ph(LoadRX) + PAlign, 1); break;
            case "align 2 MiB":
                U64(f, Ph(LoadRW) + PVaddr, 0x20_2000);
                U64(f, Ph(LoadRW) + PAlign, 0x20_0000);
                // The data moved: move everything that points into it.
                U64(f, Ph(Dynamic) + PVaddr, 0x20_2000); U64(f, Ph(Tls) + PVaddr, 0x20_2800);
                U64(f, Ph(Relro) + PVaddr, 0x20_2000);
                for (int i = 0; i < RelaCount; i++)
                {
                    U64(f, Rela(i), R64(f, Rela(i)) + 0x20_0000);
                }

                break;
            case "no dynamic section": U32(f, Ph(Dynamic) + PType, PtNote); extraRelocations = -RelaCount; break;
            case "no TLS, no stack, no RELRO": Phnum(f, 4); break;
            case "empty PT_LOAD ignored": SetPh(f, 7, PtLoad, PfR | PfW, 0, 0x7000_0000, 0, 0, 0x1000); Phnum(f, 8); break;
            case "notes and PT_PHDR ignored":
                SetPh(f, 7, PtNote, PfR, 0x10, 0x10, 4, 4, 4);
                SetPh(f, 8, PtPhdr, PfR, 64, 64, 56 * 9, 56 * 9, 8);
                SetPh(f, 9, 0x6474E550, PfR | PfW | PfX, 0, 0, 0, 0, 0); // PT_GNU_EH_FRAME, flags ignored
                Phnum(f, 10);
                break;
            case "valid section table": U16(f, EShnum, 3); U16(f, EShentsize, 64); U64(f, EShoff, 0x900); U16(f, EShstrndx, 2); break;
            case "JMPREL of RELATIVE relocations":
                SetDyn(f, 3, 2, 48); SetDyn(f, 4, 20, 7); SetDyn(f, 5, 23, 0x900);
                SetRela(f, 4, 0x2200, 8, 0x1234);
                SetRela(f, 5, 0x2208, 8, 0x1238);
                Array.Copy(f, Rela(4), f, 0x900, 48);
                extraRelocations = 2;
                break;
            case "RELRO padded to its page end": U64(f, Ph(Relro) + PMemsz, 0x3000); break;
            case "DT_RELSZ 0 and DT_TEXTREL": SetDyn(f, 3, 18, 0); SetDyn(f, 4, 22, 0); break;
            case "TLS with only .tbss": U64(f, Ph(Tls) + PFilesz, 0); U64(f, Ph(Tls) + PVaddr, 0x9999_0000); break;
        }

        Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(f, out ElfImage image));
        Assert.Equal(ElfStatus.Ok, image.TryChooseBase(99, ElfImage.MinimumAddress, ElfImage.UserAddressLimit, out ulong b));
        Assert.Equal(ElfStatus.Ok, image.TryCreatePlan(b, out ElfLoadPlan plan));
        Assert.Equal(RelaCount + extraRelocations, plan.RelocationCount);
        PlanInvariants.Check(f, image, plan);
        if (name == "align 2 MiB")
        {
            Assert.Equal(0x20_0000UL, image.Alignment);
            Assert.Equal(0UL, b % 0x20_0000);
        }

        if (name == "JMPREL of RELATIVE relocations")
        {
            Assert.Equal(ElfStatus.Ok, plan.TryGetRelocation(f, RelaCount + 1, out ElfRelocation r));
            Assert.Equal(b + 0x2208, r.Address);
            Assert.Equal(b + 0x1238, r.Value);
        }

        if (name == "TLS with only .tbss")
        {
            Assert.Equal(0UL, plan.Tls.TemplateAddress);
        }
    }

    [Fact]
    public void Plan_bases_are_checked()
    {
        Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(SyntheticElf.Exec(), out ElfImage exec));
        Assert.Equal(ElfStatus.BadLoadBase, exec.TryCreatePlan(0x1000, out _));
        Assert.Equal(ElfStatus.Ok, exec.TryCreatePlan(0, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, exec.TryCreatePlan(0, 0x40_1000, ulong.MaxValue, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, exec.TryCreatePlan(0, 0, 0x40_4000, out _));
        Assert.Equal(ElfStatus.Ok, exec.TryCreatePlan(0, 0x40_0000, 0x40_5000, out _));

        Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(SyntheticElf.Pie(), out ElfImage pie));
        Assert.Equal(ElfStatus.BadLoadBase, pie.TryCreatePlan(0x10_0800, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, pie.TryCreatePlan(0, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, pie.TryCreatePlan(0xF000, out _));
        Assert.Equal(ElfStatus.Ok, pie.TryCreatePlan(0x10000, out _));
        Assert.Equal(ElfStatus.Ok, pie.TryCreatePlan(ElfImage.UserAddressLimit - 0x5000, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, pie.TryCreatePlan(ElfImage.UserAddressLimit - 0x4000, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, pie.TryCreatePlan(ulong.MaxValue & ~0xFFFUL, out _));

        // Every base TryChooseBase returns is accepted, and both window ends are reachable.
        Assert.Equal(ElfStatus.Ok, pie.TryChooseBase(0, 0x10000, 0x20000, out ulong low));
        Assert.Equal(0x10000UL, low);
        Assert.Equal(ElfStatus.Ok, pie.TryChooseBase(11, 0x10000, 0x20000, out ulong high));
        Assert.Equal(0x1B000UL, high); // 12 slots: 0x10000..0x1B000
        Assert.Equal(ElfStatus.Ok, pie.TryChooseBase(12 + 5, 0x10000, 0x20000, out ulong wrapped));
        Assert.Equal(0x15000UL, wrapped);
        Assert.Equal(ElfStatus.AddressOutOfRange, pie.TryChooseBase(0, 0x10000, 0x14FFF, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, pie.TryChooseBase(0, 0x20000, 0x10000, out _));
        Assert.Equal(ElfStatus.NoLoadSegments, default(ElfImage).TryChooseBase(0, 0, 1UL << 40, out _));
    }
}
