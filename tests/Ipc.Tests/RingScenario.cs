using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace Microkernel.Ipc.Tests;

/// <summary>What a step of a model-based run does.</summary>
public enum RingOpKind
{
    Write,
    BatchWrite,
    Read,
    BatchRead,
    AbandonedClaim,
    ShortCommit,
    Append,
}

/// <summary>One step: a kind, a payload length and a batch size.</summary>
public sealed record RingOp(RingOpKind Kind, int Length, int Count);

/// <summary>A ring configuration and a sequence of steps to run against it and the model.</summary>
public sealed record RingScenario(int Capacity, ulong StartIndex, RingOp[] Ops)
{
    public override string ToString() =>
        $"cap={Capacity} start=0x{StartIndex:X16} ops=[{string.Join(", ", Ops.Select(o => $"{o.Kind}({o.Length},{o.Count})"))}]";
}

/// <summary>FsCheck generators for ring scenarios, with start indices near the 2^32 and 2^64 wrap points.</summary>
public static class RingArbitraries
{
    private static Gen<ulong> StartIndex()
    {
        Gen<ulong> nearZero = Gen.Choose(0, 64).Select(k => (ulong)k * 8);
        Gen<ulong> near32 = Gen.Choose(-256, 256).Select(k => (ulong)((1L << 32) + k * 8L));
        Gen<ulong> near64 = Gen.Choose(1, 512).Select(k => 0UL - (ulong)k * 8);
        Gen<ulong> anywhere = Gen.Choose(0, int.MaxValue).Two().Select(t => (((ulong)t.Item1 << 33) ^ (ulong)t.Item2) & ~7UL);
        return Gen.Frequency((1, nearZero), (2, near32), (3, near64), (1, anywhere));
    }

    private static Gen<RingOp> Op(int capacity)
    {
        int max = capacity / 2 - 8;
        Gen<int> length = Gen.Frequency(
            (6, Gen.Choose(0, Math.Min(max, 40))),
            (3, Gen.Choose(0, max)),
            (1, Gen.Choose(max - 2, max + 16)));
        Gen<RingOpKind> kind = Gen.Frequency(
            (5, Gen.Constant(RingOpKind.Write)),
            (2, Gen.Constant(RingOpKind.BatchWrite)),
            (4, Gen.Constant(RingOpKind.Read)),
            (2, Gen.Constant(RingOpKind.BatchRead)),
            (1, Gen.Constant(RingOpKind.AbandonedClaim)),
            (1, Gen.Constant(RingOpKind.ShortCommit)),
            (3, Gen.Constant(RingOpKind.Append)));
        return from k in kind
               from l in length
               from c in Gen.Choose(1, 12)
               select new RingOp(k, l, c);
    }

    public static Arbitrary<RingScenario> Scenario()
    {
        Gen<RingScenario> gen =
            from capacity in Gen.Elements(64, 128, 256, 1024)
            from start in StartIndex()
            from ops in Gen.Sized(size => Gen.ListOf(Op(capacity), Math.Max(10, size * 3)))
            select new RingScenario(capacity, start, ops.ToArray());
        return Arb.From(gen);
    }
}
