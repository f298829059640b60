using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microkernel.Process.Elf;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Files from real toolchains: the plan must say what readelf says.</summary>
public class RealElfTests
{
    [Theory]
    [MemberData(nameof(ElfSamples.Names), MemberType = typeof(ElfSamples))]
    public void Parses_and_matches_readelf(string name)
    {
        ElfSamples.Sample sample = ElfSamples.Get(name);
        MatchesReadelf(sample.Bytes, sample.View, sample.Pie);
    }

    [Fact]
    public void NativeAot_services_parse_and_match_readelf()
    {
        // build/mk/services.mk links each service declared in Services.props (ilc output) with
        // ld.lld as a static PIE: the files the kernel really loads. Without a build there is
        // nothing to compare, which is a failure, not a pass.
        IReadOnlyList<(string Name, byte[] Bytes, ReadElfView View)> services = ElfSamples.Services();
        string[] declared = ElfSamples.DeclaredServices();
        string[] missing = declared.Where(name => !services.Any(s => s.Name == name + ".elf")).ToArray();
        Assert.True(missing.Length == 0,
            $"out/services lacks {string.Join(", ", missing)}: run `make services` (or `make test-image`, which carries every service) before these tests");
        foreach ((string _, byte[] bytes, ReadElfView view) in services)
        {
            MatchesReadelf(bytes, view, pie: true);
        }
    }

    private static void MatchesReadelf(byte[] bytes, ReadElfView view, bool pie)
    {
        Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(bytes, out ElfImage image));
        Assert.Equal(pie ? ElfKind.PositionIndependent : ElfKind.Executable, image.Kind);
        Assert.Equal(view.Entry, image.Entry);

        ulong loadBase = 0;
        if (pie)
        {
            Assert.Equal(ElfStatus.Ok, image.TryChooseBase(0x1234_5678_9abc, ElfImage.MinimumAddress, ElfImage.UserAddressLimit, out loadBase));
            Assert.NotEqual(0UL, loadBase);
        }

        Assert.Equal(ElfStatus.Ok, image.TryCreatePlan(loadBase, out ElfLoadPlan plan));
        Assert.Equal(view.Entry + loadBase, plan.Entry);

        var loads = view.Headers.Where(h => h.Type == "LOAD" && h.MemorySize != 0).ToList();
        Assert.Equal(loads.Count, plan.SegmentCount);
        for (int i = 0; i < loads.Count; i++)
        {
            ElfSegment s = plan.Segment(i);
            Assert.Equal(loads[i].VirtualAddress + loadBase, s.VirtualAddress);
            Assert.Equal(loads[i].Offset, s.FileOffset);
            Assert.Equal(loads[i].FileSize, s.FileSize);
            Assert.Equal(loads[i].MemorySize, s.MemorySize);
            Assert.Equal(loads[i].Flags.Contains('R'), (s.Protection & ElfProtection.Read) != 0);
            Assert.Equal(loads[i].Flags.Contains('W'), (s.Protection & ElfProtection.Write) != 0);
            Assert.Equal(loads[i].Flags.Contains('E'), (s.Protection & ElfProtection.Execute) != 0);
        }

        ReadElfView.ProgramHeader? tls = view.Headers.SingleOrDefault(h => h.Type == "TLS");
        Assert.Equal(tls != null, plan.HasTls);
        if (tls != null)
        {
            Assert.Equal(tls.VirtualAddress + loadBase, plan.Tls.TemplateAddress);
            Assert.Equal(tls.Offset, plan.Tls.FileOffset);
            Assert.Equal(tls.FileSize, plan.Tls.FileSize);
            Assert.Equal(tls.MemorySize, plan.Tls.MemorySize);
            Assert.Equal(tls.Align, plan.Tls.Alignment);
        }

        // Relocations: same count, and each one is readelf's (offset, addend) moved by the base.
        Assert.Equal(view.Relocations.Count, plan.RelocationCount);
        Assert.Equal(pie, plan.RelocationCount > 0);
        for (int i = 0; i < plan.RelocationCount; i++)
        {
            Assert.Equal("R_X86_64_RELATIVE", view.Relocations[i].Type);
            Assert.Equal(ElfStatus.Ok, plan.TryGetRelocation(bytes, i, out ElfRelocation r));
            Assert.Equal(view.Relocations[i].Offset + loadBase, r.Address);
            Assert.Equal(view.Relocations[i].Addend + loadBase, r.Value);
        }

        Assert.Equal(view.Headers.Count, plan.ProgramHeaderCount);
        Assert.NotEqual(0UL, plan.ProgramHeaderAddress);
        PlanInvariants.Check(bytes, image, plan);
    }


    [Theory]
    [MemberData(nameof(ElfSamples.Names), MemberType = typeof(ElfSamples))]
    public void Pie_bases_cover_the_window_and_exec_stays_put(string name)
    {
        ElfSamples.Sample sample = ElfSamples.Get(name);
        Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(sample.Bytes, out ElfImage image));
        const ulong WindowStart = 0x4000_0000, WindowEnd = 0x4100_0000;
        if (!sample.Pie)
        {
            Assert.Equal(ElfStatus.BadLoadBase, image.TryCreatePlan(0x1000_0000, out _));
            Assert.Equal(ElfStatus.AddressOutOfRange, image.TryChooseBase(5, WindowStart, WindowEnd, out _));
            return;
        }

        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(ElfStatus.Ok, image.TryChooseBase((ulong)rng.NextInt64(), WindowStart, WindowEnd, out ulong b));
            Assert.Equal(ElfStatus.Ok, image.TryCreatePlan(b, WindowStart, WindowEnd, out ElfLoadPlan plan));
            Assert.True(plan.ImageStart >= WindowStart && plan.ImageEnd <= WindowEnd);
            PlanInvariants.Check(sample.Bytes, image, plan);
        }

        Assert.Equal(ElfStatus.BadLoadBase, image.TryCreatePlan(0x4000_0800, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, image.TryCreatePlan(0, out _)); // page 0 is the null guard
        Assert.Equal(ElfStatus.AddressOutOfRange, image.TryCreatePlan(ElfImage.UserAddressLimit - 0x1000, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, image.TryCreatePlan(0xFFFF_F000_0000_0000, out _));
        Assert.Equal(ElfStatus.AddressOutOfRange, image.TryChooseBase(1, WindowStart, WindowStart + 0x1000, out _));
    }

    [Fact]
    public void Relocations_read_from_a_different_file_are_refused()
    {
        ElfSamples.Sample sample = ElfSamples.Get("pie-bfd");
        Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(sample.Bytes, out ElfImage image));
        Assert.Equal(ElfStatus.Ok, image.TryCreatePlan(0x40_0000, out ElfLoadPlan plan));
        Assert.Equal(ElfStatus.FileMismatch, plan.TryGetRelocation(sample.Bytes.AsSpan(0, sample.Bytes.Length - 1), 0, out _));
        byte[] changed = (byte[])sample.Bytes.Clone();
        Assert.Equal(ElfStatus.Ok, plan.TryGetRelocation(changed, 0, out _));
        // Turn relocation 0 into R_X86_64_64: re-checked on read.
        ReadElfView view = sample.View;
        int table = FindRelocationTable(changed, view.Relocations[0].Offset);
        changed[table + 8] = 1;
        Assert.Equal(ElfStatus.UnsupportedRelocation, plan.TryGetRelocation(changed, 0, out _));
    }

    [Theory]
    [InlineData("default.elf")]
    [InlineData("test.elf")]
    [InlineData("default-pvh.elf")]
    public void Kernel_image_is_refused_for_its_rwx_segment(string file)
    {
        // boot/kernel.ld links the kernel as one RWX PT_LOAD (W^X comes from its own page
        // tables), so as a service it must be refused.
        string path = Path.Combine(ElfSamples.RepositoryRoot(), "out", file);
        if (!File.Exists(path))
        {
            return; // images not built in this checkout
        }

        Assert.Equal(ElfStatus.WritableAndExecutableSegment, ElfImage.TryParse(File.ReadAllBytes(path), out ElfImage image));
        Assert.Equal(0, image.SegmentCount);
    }

    [Fact]
    public void Every_status_has_a_distinct_ascii_description()
    {
        var seen = new System.Collections.Generic.HashSet<string>();
        foreach (ElfStatus status in Enum.GetValues<ElfStatus>())
        {
            byte[] text = ElfStatusText.Describe(status).ToArray();
            Assert.NotEmpty(text);
            Assert.All(text, c => Assert.InRange(c, (byte)0x20, (byte)0x7E));
            Assert.True(seen.Add(Encoding.ASCII.GetString(text)), status.ToString());
        }

        Assert.Equal("unknown ELF status", Encoding.ASCII.GetString(ElfStatusText.Describe((ElfStatus)250)));
    }

    /// <summary>File offset of the Elf64_Rela whose r_offset is <paramref name="target"/>.</summary>
    public static int FindRelocationTable(byte[] file, ulong target)
    {
        for (int i = 0; i + 24 <= file.Length; i += 8)
        {
            if (BitConverter.ToUInt64(file, i) == target && BitConverter.ToUInt64(file, i + 8) == 8)
            {
                return i;
            }
        }

        throw new InvalidOperationException("relocation not found");
    }
}
