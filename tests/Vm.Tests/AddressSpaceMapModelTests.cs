using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Memory.Virtual;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Random operation sequences against <see cref="VmModel"/>: after every step the
/// error codes, the reports, the areas, the counters and the tree invariants must agree.</summary>
public class AddressSpaceMapModelTests
{
    private const ulong Page = AddressSpaceMap.PageSize;

    public enum OpKind { Map, Unmap, Protect, Find }

    public sealed record Op(OpKind Kind, ulong Address, ulong Length, VmProtection Protection, VmAreaKind AreaKind, MapFlags Flags, ushort Name, VmProtection Access)
    {
        public override string ToString() => Kind switch
        {
            OpKind.Map => $"Map(0x{Address:x}, 0x{Length:x}, {Protection}, {AreaKind}, {Flags}, name {Name})",
            OpKind.Unmap => $"Unmap(0x{Address:x}, 0x{Length:x})",
            OpKind.Protect => $"Protect(0x{Address:x}, 0x{Length:x}, {Protection})",
            _ => $"Find(0x{Address:x}, {Access})",
        };
    }

    public sealed record Scenario(ulong Lowest, int Pages, int Capacity, Op[] Ops)
    {
        public ulong Highest => Lowest + ((ulong)Pages * Page);

        public override string ToString() => $"[0x{Lowest:x}, 0x{Highest:x}) pool {Capacity}: " + string.Join("; ", Ops.Select(o => o.ToString()));
    }

    /// <summary>Addresses mostly on pages in and around the bounds, some unaligned, some at
    /// the top of the 64-bit space.</summary>
    private static Gen<ulong> AddressGen(ulong lowest, int pages) => Gen.Frequency(
        (12, Gen.Choose(-2, pages + 2).Select(p => unchecked(lowest + (ulong)((long)p * (long)Page)))),
        (1, Gen.Choose(-2, pages + 2).Select(p => unchecked(lowest + (ulong)((long)p * (long)Page) + 0x10))),
        (1, Gen.Elements(0UL, ulong.MaxValue, ulong.MaxValue - Page + 1, ulong.MaxValue - (4 * Page) + 1, 0x10UL)));

    private static Gen<ulong> LengthGen(int pages) => Gen.Frequency(
        (12, Gen.Choose(1, Math.Min(pages, 24)).Select(n => (ulong)n * Page)),
        (2, Gen.Choose(1, pages + 4).Select(n => (ulong)n * Page)),
        (1, Gen.Choose(1, 3 * (int)Page).Select(n => (ulong)n)),
        (1, Gen.Elements(0UL, ulong.MaxValue, ulong.MaxValue - Page + 1, ulong.MaxValue - (2 * Page) + 2)));

    /// <summary>Few protections so neighbours often match and merge; W+X and unknown bits
    /// now and then.</summary>
    private static readonly Gen<VmProtection> s_protectionGen = Gen.Frequency(
        (20, Gen.Elements(VmProtection.None, VmProtection.Read, VmProtection.Read | VmProtection.Write, VmProtection.Read | VmProtection.Execute)),
        (1, Gen.Elements(VmProtection.Write | VmProtection.Execute, VmProtection.Read | VmProtection.Write | VmProtection.Execute, (VmProtection)8, VmProtection.Write, VmProtection.Execute)));

    private static readonly Gen<VmAreaKind> s_kindGen = Gen.Frequency(
        (12, Gen.Constant(VmAreaKind.Anonymous)),
        (4, Gen.Elements(VmAreaKind.Stack, VmAreaKind.Guard, VmAreaKind.Image, VmAreaKind.Device)),
        (1, Gen.Constant((VmAreaKind)5)));

    private static readonly Gen<MapFlags> s_flagsGen = Gen.Frequency(
        (6, Gen.Constant(MapFlags.None)),
        (6, Gen.Constant(MapFlags.Fixed)),
        (4, Gen.Constant(MapFlags.FixedNoReplace)),
        (2, Gen.Elements(MapFlags.Populate, MapFlags.Fixed | MapFlags.Populate)),
        (1, Gen.Elements(MapFlags.Fixed | MapFlags.FixedNoReplace, (MapFlags)0x10)));

    private static Gen<Op> OpGen(ulong lowest, int pages) =>
        from kind in Gen.Frequency((5, Gen.Constant(OpKind.Map)), (3, Gen.Constant(OpKind.Unmap)), (4, Gen.Constant(OpKind.Protect)), (2, Gen.Constant(OpKind.Find)))
        from address in AddressGen(lowest, pages)
        from length in LengthGen(pages)
        from protection in s_protectionGen
        from areaKind in s_kindGen
        from flags in s_flagsGen
        from name in Gen.Choose(0, 2)
        from access in Gen.Elements(VmProtection.None, VmProtection.Read, VmProtection.Write, VmProtection.Execute)
        select new Op(kind, address, length,
            areaKind == VmAreaKind.Guard && kind == OpKind.Map && protection != VmProtection.Read ? VmProtection.None : protection,
            areaKind, flags, (ushort)name, access);

    private static readonly Gen<Scenario> s_scenarioGen =
        from lowest in Gen.Elements(0UL, 0x400000UL, 0xFFFF_FFFF_FFFF_F000UL)
        from pages in Gen.Elements(64, 128, 256)
        from capacity in Gen.Frequency((3, Gen.Constant(1024)), (1, Gen.Elements(0, 1, 2, 3, 5, 8, 16)))
        let low = lowest == 0xFFFF_FFFF_FFFF_F000UL ? lowest - ((ulong)pages * Page) : lowest
        from count in Gen.Choose(1, 60)
        from ops in Gen.ArrayOf(OpGen(low, pages), count)
        select new Scenario(low, pages, capacity, ops);

    [Fact]
    public void Random_sequences_match_the_page_model()
    {
        var outcomes = new Dictionary<string, int>();
        PropertyCheck.ForAll(s_scenarioGen, s => Run(s, outcomes), 1500);

        // The generator must reach every interesting outcome, or the property proves little.
        string[] required =
        {
            "Map None", "Map EINVAL", "Map EACCES", "Map EEXIST", "Map ENOMEM", "Map ENOMEM pool",
            "Map replaced", "Unmap None", "Unmap EINVAL", "Unmap ENOMEM pool", "Unmap split",
            "Protect None", "Protect EINVAL", "Protect EACCES", "Protect ENOMEM", "Protect ENOMEM pool",
            "Protect split", "Protect merged", "Map merged",
        };
        foreach (string outcome in required)
        {
            Assert.True(outcomes.GetValueOrDefault(outcome) >= 20, $"outcome '{outcome}' seen {outcomes.GetValueOrDefault(outcome)} times: " +
                string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")));
        }
    }

    private static void Count(Dictionary<string, int> outcomes, string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;

    private static void Run(Scenario scenario, Dictionary<string, int> outcomes)
    {
        var h = new MapHarness(scenario.Lowest, scenario.Highest, scenario.Capacity);
        var model = new VmModel(scenario.Lowest, scenario.Highest, scenario.Capacity);
        int step = 0;
        foreach (Op op in scenario.Ops)
        {
            step++;
            var sink = new RecordingSink();
            var expected = new List<Report>();
            VmArea[] before = h.Areas();
            VmError want;
            VmError got;
            switch (op.Kind)
            {
                case OpKind.Map:
                    want = model.Map(op.Address, op.Length, op.Protection, op.AreaKind, op.Flags, op.Name, expected, out ulong wantAddress);
                    got = h.Map.Map(op.Address, op.Length, op.Protection, op.AreaKind, op.Flags, op.Name, ref sink, out ulong gotAddress);
                    Assert.True(want == got, $"step {step} {op}: expected {want}, got {got}");
                    Assert.True(wantAddress == gotAddress, $"step {step} {op}: expected address 0x{wantAddress:x}, got 0x{gotAddress:x}");
                    break;
                case OpKind.Unmap:
                    want = model.Unmap(op.Address, op.Length, expected);
                    got = h.Map.Unmap(op.Address, op.Length, ref sink);
                    Assert.True(want == got, $"step {step} {op}: expected {want}, got {got}");
                    break;
                case OpKind.Protect:
                    want = model.Protect(op.Address, op.Length, op.Protection, expected);
                    got = h.Map.Protect(op.Address, op.Length, op.Protection, ref sink);
                    Assert.True(want == got, $"step {step} {op}: expected {want}, got {got}");
                    break;
                default:
                    want = got = VmError.None;
                    CheckLookups(h, model, op.Address, op.Access);
                    break;
            }

            Assert.Equal(expected, sink.Reports);
            h.AssertValid();
            VmArea[] areas = h.Areas();
            if (op.Kind != OpKind.Find)
            {
                bool pool = got == VmError.ENOMEM && PoolOnly(scenario, model, op);
                Count(outcomes, $"{op.Kind} {got}{(pool ? " pool" : "")}");
                if (got == VmError.None && areas.Length > before.Length)
                {
                    Count(outcomes, $"{op.Kind} split");
                }

                if (got == VmError.None && areas.Length < before.Length + (op.Kind == OpKind.Map ? 1 : 0))
                {
                    Count(outcomes, $"{op.Kind} merged");
                }

                if (op.Kind == OpKind.Map && got == VmError.None && sink.Reports.Count > 0)
                {
                    Count(outcomes, "Map replaced");
                }
            }

            Assert.Equal(model.Areas().ToArray(), areas);
            if (got != VmError.None)
            {
                Assert.Equal(before, areas); // a failure changes nothing
            }

            Assert.Equal(areas.Length, h.Map.AreaCount);
            Assert.Equal(scenario.Capacity - areas.Length, h.Map.FreeNodes);
            Assert.Equal(model.MappedBytes(), h.Map.MappedBytes);
        }

        // Every page's lookup agrees with the model at the end.
        for (int p = 0; p < scenario.Pages; p++)
        {
            CheckLookups(h, model, model.AddressOf(p) + (ulong)(p % 7 * 512), (VmProtection)(1 << (p % 3)));
        }
    }

    /// <summary>True when the same operation succeeds on a model with an unlimited pool:
    /// the ENOMEM came from the pool alone.</summary>
    private static bool PoolOnly(Scenario scenario, VmModel model, Op op)
    {
        var unlimited = new VmModel(scenario.Lowest, scenario.Highest, int.MaxValue) { Pages = (VmModel.PageState[])model.Pages.Clone() };
        var ignored = new List<Report>();
        return op.Kind switch
        {
            OpKind.Map => unlimited.Map(op.Address, op.Length, op.Protection, op.AreaKind, op.Flags, op.Name, ignored, out _) == VmError.None,
            OpKind.Unmap => unlimited.Unmap(op.Address, op.Length, ignored) == VmError.None,
            _ => unlimited.Protect(op.Address, op.Length, op.Protection, ignored) == VmError.None,
        };
    }

    private static void CheckLookups(MapHarness h, VmModel model, ulong address, VmProtection access)
    {
        bool want = model.Find(address, out VmArea wantArea);
        bool got = h.Map.Find(address, out VmArea gotArea);
        Assert.Equal(want, got);
        Assert.Equal(wantArea, gotArea);
        Assert.Equal(model.Resolve(address, access, out VmArea r1), h.Map.ResolveFault(address, access, out VmArea r2));
        Assert.Equal(r1, r2);

        VmArea? next = model.Areas().Where(a => a.End > address).Select(a => (VmArea?)a).FirstOrDefault();
        Assert.Equal(next.HasValue, h.Map.FindNext(address, out VmArea gotNext));
        if (next.HasValue)
        {
            Assert.Equal(next.Value, gotNext);
        }
    }
}
