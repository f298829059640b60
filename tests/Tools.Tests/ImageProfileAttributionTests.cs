using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrashSymbolizer;
using ImageProfile;
using Xunit;

namespace Tools.Tests;

/// <summary>ImageProfile's address-to-function attribution over synthetic and gcc-built images.</summary>
public class ImageProfileAttributionTests
{
    internal const ulong ServiceBase = 0x87_b82c_2000;

    /// <summary>FUNC symbols for (name, address, size) entries; size 0 makes an unsized NOTYPE label.</summary>
    internal static SymbolTable Table(params (string Name, ulong Address, ulong Size)[] symbols) =>
        new(symbols.Select(s => new ElfSymbol(s.Name, s.Address, s.Size, s.Size == 0 ? (byte)0 : ElfSymbol.TypeFunc, true, 1)));

    // kernel: [0x100000, 0x110000); nothing before 0x100100; a gap after first; a label at 0x100400.
    internal static LoadedImage Kernel() => new("kernel", 0, 0x100000, 0x110000, Table(
        ("Microkernel_Kernel_Sched__HandOff", 0x100100, 0x40),
        ("second", 0x100200, 0x10),
        ("asm_label", 0x100400, 0)));

    // a PIE service: link addresses from 0, loaded at ServiceBase, 0x3000 bytes.
    internal static LoadedImage Service(string name = "echo-bench", ulong loadBase = ServiceBase) => new(name, loadBase, loadBase, loadBase + 0x3000, Table(
        ("Service_EchoBench_Microkernel_Services_Contracts_EchoCall__TryCall", 0x1000, 0x100),
        ("Service_EchoBench_Microkernel_Ipc_ClientEndpoint__TryReceive", 0x1100, 0x80)));

    internal static AddressMap Map() => new(new[] { Kernel(), Service() });

    [Fact]
    public void A_function_covers_its_first_to_its_last_byte()
    {
        AddressMap map = Map();
        CodeLocation first = map.Resolve(0x100100);
        Assert.Equal("kernel", first.Image?.Name);
        Assert.Equal("Microkernel_Kernel_Sched__HandOff", first.Symbol?.Name);
        Assert.True(first.IsEntry);

        CodeLocation last = map.Resolve(0x10013f);
        Assert.Equal("Microkernel_Kernel_Sched__HandOff", last.Symbol?.Name);
        Assert.False(last.IsEntry);
    }

    [Theory]
    [InlineData(0x100000UL)]   // the image's first byte, before its first symbol
    [InlineData(0x1000ffUL)]   // the byte before the first symbol
    [InlineData(0x100140UL)]   // one past a sized function: the gap up to the next
    [InlineData(0x1001ffUL)]
    public void Image_code_under_no_symbol_is_the_image_with_an_unknown_function(ulong pc)
    {
        CodeLocation where = Map().Resolve(pc);
        Assert.Equal("kernel", where.Image?.Name);
        Assert.Null(where.Symbol);
        Assert.False(where.IsEntry);
    }

    [Fact]
    public void An_unsized_label_covers_the_code_after_it()
    {
        Assert.Equal("asm_label", Map().Resolve(0x100400).Symbol?.Name);
        Assert.True(Map().Resolve(0x100400).IsEntry);
        Assert.Equal("asm_label", Map().Resolve(0x10fff0).Symbol?.Name);
    }

    [Fact]
    public void A_service_pc_is_looked_up_relative_to_its_base()
    {
        CodeLocation where = Map().Resolve(ServiceBase + 0x1100);
        Assert.Equal("echo-bench", where.Image?.Name);
        Assert.Equal("Service_EchoBench_Microkernel_Ipc_ClientEndpoint__TryReceive", where.Symbol?.Name);
        Assert.Equal(0x1100UL, where.Symbol?.Address);
        Assert.True(where.IsEntry);

        // The same offset in the kernel's numbering is not the service's code.
        Assert.NotEqual("echo-bench", Map().Resolve(0x1100).Image?.Name);
    }

    [Theory]
    [InlineData(0x0UL)]
    [InlineData(0xfffffUL)]          // just below the kernel
    [InlineData(0x110000UL)]         // the kernel's end is exclusive
    [InlineData(ServiceBase - 1)]
    [InlineData(ServiceBase + 0x3000)]
    [InlineData(ulong.MaxValue)]
    public void A_pc_outside_every_image_maps_to_nothing(ulong pc)
    {
        CodeLocation where = Map().Resolve(pc);
        Assert.Null(where.Image);
        Assert.Null(where.Symbol);
    }

    [Fact]
    public void Overlapping_images_are_reported_and_the_later_one_wins()
    {
        LoadedImage first = Service("store", ServiceBase);
        LoadedImage second = Service("klog", ServiceBase + 0x1000);
        var map = new AddressMap(new[] { Kernel(), first, second });
        (LoadedImage Earlier, LoadedImage Later) overlap = Assert.Single(map.Overlaps);
        Assert.Same(first, overlap.Earlier);
        Assert.Same(second, overlap.Later);
        Assert.Equal("klog", map.Resolve(ServiceBase + 0x1800).Image?.Name);
        Assert.Equal("store", map.Resolve(ServiceBase + 0x800).Image?.Name);
        Assert.Empty(Map().Overlaps);
    }

    [Theory]
    [InlineData("Service_EchoBench_Microkernel_Services_Contracts_EchoCall__TryCall")]        // raw
    [InlineData("Service.EchoBench.Microkernel.Services.Contracts.EchoCall.TryCall")]         // readable
    [InlineData("EchoCall.TryCall")]                                                         // tail after a dot
    [InlineData("TryCall")]
    [InlineData("echo-bench:EchoCall.TryCall")]                                              // image-qualified
    public void Finds_the_marker_function_by_raw_readable_or_tail_name(string spec) =>
        Assert.Equal(ServiceBase + 0x1000, Map().FindFunction(spec));

    [Theory]
    [InlineData("ryCall")]              // not on a dot boundary
    [InlineData("kernel:TryCall")]      // in another image
    [InlineData("asm_label")]           // a label, not a function
    [InlineData("nothing")]
    public void A_marker_that_matches_no_function_is_an_error(string spec)
    {
        ProfileException e = Assert.Throws<ProfileException>(() => Map().FindFunction(spec));
        Assert.Contains("no function matches", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_marker_in_two_images_is_ambiguous_until_the_image_is_named()
    {
        var map = new AddressMap(new[] { Kernel(), Service("echo-bench", ServiceBase), Service("echo-client", 0x90_0000_0000) });
        ProfileException e = Assert.Throws<ProfileException>(() => map.FindFunction("EchoCall.TryCall"));
        Assert.Contains("matches 2 functions", e.Message, StringComparison.Ordinal);
        Assert.Contains("echo-bench:Service.EchoBench.Microkernel.Services.Contracts.EchoCall.TryCall", e.Message, StringComparison.Ordinal);
        Assert.Contains("echo-client:", e.Message, StringComparison.Ordinal);
        Assert.Equal(0x90_0000_1000UL, map.FindFunction("echo-client:EchoCall.TryCall"));
    }

    [Fact]
    public void Aliases_at_one_address_are_one_function()
    {
        var image = new LoadedImage("kernel", 0, 0x100000, 0x110000, Table(("kmain", 0x100100, 0x40), ("Kernel_Init__kmain", 0x100100, 0x40)));
        Assert.Equal(0x100100UL, new AddressMap(new[] { image }).FindFunction("kmain"));
    }

    [Fact]
    public void A_fixed_address_kernel_spans_its_load_segments()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        var elf = ElfFile.Load(fx.ElfPath);
        var kernel = LoadedImage.FromElf("kernel", elf, 0);
        Assert.Equal(0UL, kernel.Bias);
        Assert.Equal(elf.LoadSegments.Min(s => s.VirtualAddress), kernel.Start);
        Assert.Equal(elf.LoadSegments.Max(s => s.VirtualAddress + s.MemorySize), kernel.End);
        Assert.True(kernel.Contains(fx["caller"]));
        Assert.Equal("caller", new AddressMap(new[] { kernel }).Resolve(fx["caller"] + 1).Symbol?.Name);

        ProfileException e = Assert.Throws<ProfileException>(() => LoadedImage.FromElf("kernel", elf, 0x1000));
        Assert.Contains("ET_EXEC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_position_independent_service_is_placed_at_its_base()
    {
        PieFixture pie = ProfileFixtures.Pie();
        var svc = LoadedImage.FromElf("svc", ElfFile.Load(pie.ElfPath), ServiceBase);
        Assert.Equal(ServiceBase, svc.Bias);
        Assert.Equal(ServiceBase, svc.Start);       // its first PT_LOAD is at 0
        Assert.Equal(ServiceBase + pie.Span, svc.End);
        CodeLocation where = new AddressMap(new[] { svc }).Resolve(ServiceBase + pie["second_unit_function"] + 2);
        Assert.Equal("second_unit_function", where.Symbol?.Name);
    }

    [Fact]
    public void Missing_or_broken_service_elfs_are_warnings_and_their_code_is_unknown()
    {
        PieFixture pie = ProfileFixtures.Pie();
        var warnings = new List<string>();
        AddressMap map = ImageLoader.Build(Kernel(), new[]
        {
            new ServiceLoad("svc", 2, ServiceBase),
            new ServiceLoad("gone", 3, 0x90_0000_0000),
            new ServiceLoad("broken", 4, 0x91_0000_0000),
            new ServiceLoad("svc", 5, 0x92_0000_0000),     // restarted
        }, name => name switch
        {
            "svc" => ElfFile.Load(pie.ElfPath),
            "broken" => throw new ElfFormatException("'broken.elf' is not a usable ELF file: no ELF magic (\\x7fELF)"),
            _ => null,
        }, warnings);

        Assert.Equal(new[] { "kernel", "svc", "svc#5" }, map.Images.Select(i => i.Name));
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("no ELF for service gone", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("service broken", StringComparison.Ordinal) && w.Contains("no ELF magic", StringComparison.Ordinal));
        Assert.Null(map.Resolve(0x90_0000_1000).Image);
        Assert.Equal("svc#5", map.Resolve(0x92_0000_0000 + pie["second_unit_function"]).Image?.Name);
    }

    [Fact]
    public void Services_are_opened_from_the_directory_by_name()
    {
        PieFixture pie = ProfileFixtures.Pie();
        Func<string, ElfFile?> open = ImageLoader.ServicesIn(Path.GetDirectoryName(pie.ElfPath)!);
        Assert.NotNull(open("svc"));
        Assert.Null(open("absent"));
    }
}

/// <summary>A position-independent ELF built by gcc from fixtures/fixture_b.c, as a service stand-in.</summary>
public sealed class PieFixture
{
    public required string ElfPath { get; init; }
    public required IReadOnlyDictionary<string, ulong> Nm { get; init; }

    /// <summary>The highest PT_LOAD end (p_vaddr + p_memsz), from readelf.</summary>
    public required ulong Span { get; init; }

    public ulong this[string symbol] => Nm[symbol];
}

internal static class ProfileFixtures
{
    private static readonly Lazy<PieFixture> s_built = new(BuildPie);

    public static PieFixture Pie() => s_built.Value;

    private static PieFixture BuildPie()
    {
        string dir = Path.Combine(TestTempDirectory.For("imageprofile-tests"), "services");
        Directory.CreateDirectory(dir);
        string elf = Path.Combine(dir, "svc.elf");
        GccFixture.Run("gcc", "-O0 -nostdlib -ffreestanding -fPIE -pie -fno-asynchronous-unwind-tables -Wl,--build-id=none " +
                              $"-Wl,-e,second_unit_function -o \"{elf}\" \"{GccFixture.FixtureSourceDir}/fixture_b.c\"");
        var nm = new Dictionary<string, ulong>();
        foreach (string line in GccFixture.Run("nm", $"\"{elf}\"").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3)
            {
                nm[parts[2]] = Convert.ToUInt64(parts[0], 16);
            }
        }
        ulong span = 0;
        foreach (string line in GccFixture.Run("readelf", $"-lW \"{elf}\"").Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 6 && f[0] == "LOAD")
            {
                span = Math.Max(span, Convert.ToUInt64(f[2], 16) + Convert.ToUInt64(f[5], 16));
            }
        }
        return new PieFixture { ElfPath = elf, Nm = nm, Span = span };
    }
}
