using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Boot;
using Xunit;

namespace Microkernel.Tests;

public class MemoryMapBuilderTests
{
    private const ulong Unit = 0x100;           // model granularity: region bounds are multiples of this
    private const int Units = 1024;             // model address space: 256 KiB = 64 pages
    private const int UnitsPerPage = (int)(MemoryMapBuilder.PageSize / Unit);

    public sealed record Input(MemoryRegion[] Raw, MemoryRegion[] Reservations, ulong ReserveBelow)
    {
        public override string ToString() =>
            $"raw=[{string.Join(", ", Raw.Select(Show))}] res=[{string.Join(", ", Reservations.Select(Show))}] below=0x{ReserveBelow:x}";
    }

    public static string Show(MemoryRegion r) => $"{r.Kind}@0x{r.Base:x}+0x{r.Length:x}";

    private static Gen<MemoryRegion> RegionGen(int maxUnits) =>
        from b in Gen.Choose(0, Units - 1)
        from l in Gen.Choose(0, maxUnits)
        from k in Gen.Choose(0, 6)
        select new MemoryRegion((ulong)b * Unit, (ulong)Math.Min(l, Units - b) * Unit, (MemoryKind)k);

    private static readonly Gen<Input> s_inputGen =
        from rawCount in Gen.Choose(0, 12)
        from raw in Gen.ArrayOf(RegionGen(400), rawCount)
        from resCount in Gen.Choose(0, 5)
        from res in Gen.ArrayOf(RegionGen(60), resCount)
        from below in Gen.Choose(0, 40)
        select new Input(raw, res, (ulong)below * Unit);

    /// <summary>The model: per unit, the highest-priority kind covering it (or none); a
    /// usable unit survives only if its whole page is usable; then runs of equal kinds.</summary>
    private static List<MemoryRegion> Model(Input input)
    {
        int[] kinds = new int[Units];
        Array.Fill(kinds, -1);
        void Paint(MemoryRegion r)
        {
            for (ulong u = r.Base / Unit; u < r.End / Unit && u < Units; u++)
            {
                kinds[u] = Math.Max(kinds[u], (int)r.Kind);
            }
        }

        foreach (MemoryRegion r in input.Raw)
        {
            Paint(r);
        }

        foreach (MemoryRegion r in input.Reservations)
        {
            Paint(r);
        }

        Paint(new MemoryRegion(0, Math.Max(input.ReserveBelow, 0x1000), MemoryKind.Reserved));

        for (int page = 0; page < Units / UnitsPerPage; page++)
        {
            bool whole = Enumerable.Range(page * UnitsPerPage, UnitsPerPage).All(u => kinds[u] == (int)MemoryKind.Usable);
            if (!whole)
            {
                for (int u = page * UnitsPerPage; u < (page + 1) * UnitsPerPage; u++)
                {
                    if (kinds[u] == (int)MemoryKind.Usable)
                    {
                        kinds[u] = -1;
                    }
                }
            }
        }

        var result = new List<MemoryRegion>();
        int start = 0;
        for (int u = 1; u <= Units; u++)
        {
            if (u == Units || kinds[u] != kinds[start])
            {
                if (kinds[start] >= 0)
                {
                    result.Add(MemoryRegion.FromBounds((ulong)start * Unit, (ulong)u * Unit, (MemoryKind)kinds[start]));
                }

                start = u;
            }
        }

        return result;
    }

    private static MemoryRegion[] Build(Input input, int capacity, out MemoryMapStatus status)
    {
        var destination = new MemoryRegion[capacity];
        status = MemoryMapBuilder.Build(input.Raw, input.Reservations, input.ReserveBelow, destination, out int count);
        return destination.Take(count).ToArray();
    }

    internal static void AssertInvariants(MemoryRegion[] map, IEnumerable<MemoryRegion> restrictive)
    {
        for (int i = 0; i < map.Length; i++)
        {
            Assert.False(map[i].IsEmpty);
            if (map[i].Kind == MemoryKind.Usable)
            {
                Assert.Equal(0UL, map[i].Base % MemoryMapBuilder.PageSize);
                Assert.Equal(0UL, map[i].End % MemoryMapBuilder.PageSize);
                Assert.True(map[i].Base >= MemoryMapBuilder.AlwaysReservedLimit);
            }

            if (i > 0)
            {
                Assert.True(map[i - 1].End <= map[i].Base, "sorted and non-overlapping");
                Assert.False(map[i - 1].End == map[i].Base && map[i - 1].Kind == map[i].Kind, "adjacent equal kinds merged");
            }
        }

        foreach (MemoryRegion r in restrictive.Where(r => r.Kind != MemoryKind.Usable && !r.IsEmpty))
        {
            foreach (MemoryRegion u in map.Where(m => m.Kind == MemoryKind.Usable))
            {
                Assert.False(u.Base < r.End && r.Base < u.End, $"usable {Show(u)} overlaps {Show(r)}");
            }
        }
    }

    [Fact]
    public void Matches_per_unit_priority_model()
    {
        PropertyCheck.ForAll(s_inputGen, input =>
        {
            MemoryRegion[] actual = Build(input, 600, out MemoryMapStatus status);
            Assert.Equal(MemoryMapStatus.Ok, status);
            Assert.Equal(Model(input), actual);
            AssertInvariants(actual, input.Raw.Concat(input.Reservations));
        });
    }

    [Fact]
    public void Too_small_destination_gives_correct_prefix()
    {
        PropertyCheck.ForAll(s_inputGen.SelectMany(i => Gen.Choose(0, 6), (i, c) => (i, c)), t =>
        {
            (Input? input, int capacity) = t;
            List<MemoryRegion> expected = Model(input);
            MemoryRegion[] actual = Build(input, capacity, out MemoryMapStatus status);
            Assert.Equal(expected.Count > capacity ? MemoryMapStatus.DestinationTooSmall : MemoryMapStatus.Ok, status);
            Assert.Equal(expected.Take(capacity), actual);
        });
    }

    [Fact]
    public void Qemu_32M_with_kernel_and_boot_data()
    {
        MemoryRegion[] raw = QemuMaps.Pc32M.Select(e => new MemoryRegion(e.Base, e.Length, Multiboot1Parser.KindFromType(e.Type))).ToArray();
        MemoryRegion[] reservations = new[]
        {
            MemoryRegion.FromBounds(0x100000, 0x1a3456, MemoryKind.KernelImage),
            new MemoryRegion(0x9000, 116, MemoryKind.BootData),
            MemoryRegion.FromBounds(0x200000, 0x2345a7, MemoryKind.BootData),
        };
        var destination = new MemoryRegion[32];
        Assert.Equal(MemoryMapStatus.Ok, MemoryMapBuilder.Build(raw, reservations, 0, destination, out int count));
        MemoryRegion[] expected = new[]
        {
            MemoryRegion.FromBounds(0x0, 0x1000, MemoryKind.Reserved),
            MemoryRegion.FromBounds(0x1000, 0x9000, MemoryKind.Usable),
            MemoryRegion.FromBounds(0x9000, 0x9074, MemoryKind.BootData),
            MemoryRegion.FromBounds(0xa000, 0x9f000, MemoryKind.Usable),
            MemoryRegion.FromBounds(0x9fc00, 0xa0000, MemoryKind.Reserved),
            MemoryRegion.FromBounds(0xf0000, 0x100000, MemoryKind.Reserved),
            MemoryRegion.FromBounds(0x100000, 0x1a3456, MemoryKind.KernelImage),
            MemoryRegion.FromBounds(0x1a4000, 0x200000, MemoryKind.Usable),
            MemoryRegion.FromBounds(0x200000, 0x2345a7, MemoryKind.BootData),
            MemoryRegion.FromBounds(0x235000, 0x1fe0000, MemoryKind.Usable),
            MemoryRegion.FromBounds(0x1fe0000, 0x2000000, MemoryKind.Reserved),
            MemoryRegion.FromBounds(0xfffc0000, 0x100000000, MemoryKind.Reserved),
        };
        Assert.Equal(expected, destination.Take(count));

        // Reserving the first MiB turns everything below it into one Reserved region.
        Assert.Equal(MemoryMapStatus.Ok, MemoryMapBuilder.Build(raw, reservations, MemoryMapBuilder.LowMemoryLimit, destination, out count));
        Assert.Equal(MemoryRegion.FromBounds(0, 0x100000, MemoryKind.Reserved), destination[0]);
        Assert.Equal(MemoryRegion.FromBounds(0x100000, 0x1a3456, MemoryKind.KernelImage), destination[1]);

        Span<MemoryRegion> map = destination.AsSpan(0, count);
        Assert.Equal(0x1fe0000UL - 1, MemoryMapBuilder.HighestUsableAddress(map));
        Assert.Equal(0x1fe0000UL, MemoryMapBuilder.UsableEnd(map));
        Assert.Equal((0x200000UL - 0x1a4000) + (0x1fe0000 - 0x235000), MemoryMapBuilder.UsableBytes(map));
    }

    [Fact]
    public void Qemu_4G_keeps_high_ram_and_hole()
    {
        MemoryRegion[] raw = QemuMaps.Pc4G.Select(e => new MemoryRegion(e.Base, e.Length, Multiboot1Parser.KindFromType(e.Type))).ToArray();
        var destination = new MemoryRegion[32];
        Assert.Equal(MemoryMapStatus.Ok, MemoryMapBuilder.Build(raw, ReadOnlySpan<MemoryRegion>.Empty, MemoryMapBuilder.LowMemoryLimit, destination, out int count));
        MemoryRegion[] map = destination.Take(count).ToArray();
        AssertInvariants(map, raw);
        Assert.Equal(MemoryRegion.FromBounds(0x100000, 0xbffe0000, MemoryKind.Usable), map[1]);
        Assert.Equal(MemoryRegion.FromBounds(0x100000000, 0x140000000, MemoryKind.Usable), map[^1]);
        Assert.Equal(0x140000000UL - 1, MemoryMapBuilder.HighestUsableAddress(map));
        Assert.Equal(0xbfee0000UL + 0x40000000, MemoryMapBuilder.UsableBytes(map));
    }

    [Fact]
    public void Regions_at_top_of_address_space_do_not_wrap()
    {
        MemoryRegion[] raw = new[]
        {
            new MemoryRegion(0x100000, 0x100000, MemoryKind.Usable),
            new MemoryRegion(ulong.MaxValue - 0x2fff, 0x3000 + 5, MemoryKind.Usable), // claims past 2^64
            new MemoryRegion(ulong.MaxValue - 0x10000, 0x800, MemoryKind.Reserved),
        };
        var destination = new MemoryRegion[8];
        Assert.Equal(MemoryMapStatus.Ok, MemoryMapBuilder.Build(raw, ReadOnlySpan<MemoryRegion>.Empty, 0, destination, out int count));
        MemoryRegion[] map = destination.Take(count).ToArray();
        AssertInvariants(map, raw);
        Assert.Equal(MemoryRegion.FromBounds(0xffff_ffff_ffff_d000, 0xffff_ffff_ffff_f000, MemoryKind.Usable), map[^1]);
    }

    [Fact]
    public void Empty_input_gives_only_the_reserved_first_page()
    {
        var destination = new MemoryRegion[2];
        Assert.Equal(MemoryMapStatus.Ok, MemoryMapBuilder.Build(default, default, 0, destination, out int count));
        Assert.Equal(1, count);
        Assert.Equal(new MemoryRegion(0, 0x1000, MemoryKind.Reserved), destination[0]);
        Assert.Equal(0UL, MemoryMapBuilder.HighestUsableAddress(destination.AsSpan(0, count)));
    }
}
