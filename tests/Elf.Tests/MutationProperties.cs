using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Process.Elf;
using Xunit;

namespace Microkernel.Tests;

/// <summary>
/// Good files (the hand-made PIE and ET_EXEC, the four gcc-built ones and any NativeAOT
/// service in out/services) mutated at random:
/// bytes, whole fields set to awkward values, truncation, and mixes of these. Every mutant is
/// either accepted with a plan that satisfies <see cref="PlanInvariants"/> or refused with a
/// specific status; never an exception (the host's spans are bounds checked, so an
/// out-of-range read would throw).
/// </summary>
public class MutationProperties
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public MutationProperties(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
    }

    private sealed record Base(string Name, byte[] Bytes, (int Offset, int Size)[] Fields, (int Start, int End)[] Hot);

    private static readonly Lazy<Base[]> s_bases = new(() =>
    {
        var files = new List<(string, byte[])> { ("synthetic-pie", SyntheticElf.Pie()), ("synthetic-exec", SyntheticElf.Exec()) };
        files.AddRange(ElfSamples.All.Select(s => (s.Name, s.Bytes)));
        files.AddRange(ElfSamples.Services().Select(s => (s.Name, s.Bytes)));
        return files.Select(f => Describe(f.Item1, f.Item2)).ToArray();
    });

    /// <summary>The fields worth hitting: ELF header, every program header field, every
    /// dynamic entry and every relocation field (found through the parsed image).</summary>
    private static Base Describe(string name, byte[] file)
    {
        var fields = new List<(int, int)>
        {
            (4, 1), (5, 1), (6, 1), (7, 1), (8, 1), (16, 2), (18, 2), (20, 4), (24, 8), (32, 8), (40, 8),
            (48, 4), (52, 2), (54, 2), (56, 2), (58, 2), (60, 2), (62, 2),
        };
        var hot = new List<(int, int)> { (0, 64) };
        List<PlanInvariants.RawHeader> headers = PlanInvariants.ReadProgramHeaders(file);
        int phoff = (int)BitConverter.ToUInt64(file, 32);
        hot.Add((phoff, phoff + (headers.Count * 56)));
        for (int i = 0; i < headers.Count; i++)
        {
            int p = phoff + (i * 56);
            fields.AddRange(new[] { (p, 4), (p + 4, 4), (p + 8, 8), (p + 16, 8), (p + 32, 8), (p + 40, 8), (p + 48, 8) });
        }

        PlanInvariants.RawHeader? dynamic = headers.FirstOrDefault(h => h.Type == 2);
        if (dynamic != null)
        {
            int d = (int)dynamic.Offset;
            hot.Add((d, d + (int)dynamic.Filesz));
            for (int i = 0; i + 16 <= (int)dynamic.Filesz; i += 16)
            {
                fields.Add((d + i, 8));
                fields.Add((d + i + 8, 8));
            }
        }

        Assert.Equal(ElfStatus.Ok, ElfImage.TryParse(file, out ElfImage image));
        Assert.Equal(ElfStatus.Ok, image.TryCreatePlan(image.Kind == ElfKind.Executable ? 0 : 0x10_0000UL, out ElfLoadPlan plan));
        for (int i = 0; i < plan.RelocationCount; i++)
        {
            plan.TryGetRelocation(file, i, out ElfRelocation r);
            // Find the entry in the file (r_offset as linked, then R_X86_64_RELATIVE).
            ulong linked = r.Address - plan.Base;
            int at = FindRela(file, linked);
            hot.Add((at, at + 24));
            fields.AddRange(new[] { (at, 8), (at + 8, 8), (at + 8, 4), (at + 12, 4), (at + 16, 8) });
        }

        return new Base(name, file, fields.ToArray(), hot.ToArray());
    }

    private static int FindRela(byte[] file, ulong target)
    {
        for (int i = 0; i + 24 <= file.Length; i += 8)
        {
            if (BitConverter.ToUInt64(file, i) == target && BitConverter.ToUInt64(file, i + 8) == 8)
            {
                return i;
            }
        }

        throw new InvalidOperationException("relocation entry not found");
    }

    private static readonly ulong[] s_awkward =
    {
        0, 1, 2, 7, 8, 16, 24, 56, 64, 0xFFF, 0x1000, 0x1001, 0x20_0000, 0x4000_0000, 0x4000_0001,
        0x7FFF_FFFF, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_F000, 0x8000_0000_0000, 0xFFFF_8000_0000_0000,
        ulong.MaxValue, ulong.MaxValue - 7, ulong.MaxValue - 0xFFF, long.MaxValue,
        1, 2, 3, 4, 5, 6, 7, 0x6474E551, 0x6474E552, 9, 17, 18, 20, 23, 35, 36, // types and tags
    };

    public enum Kind { Bytes, Field, Truncate, Mixed }

    /// <summary>Cases per property: 2,000, or ELF_MUTATION_CASES for a longer soak.</summary>
    private static int CaseCount =>
        int.TryParse(Environment.GetEnvironmentVariable("ELF_MUTATION_CASES"), out int n) && n > 0 ? n : 2000;

    private static ElfStatus CheckMutant(byte[] mutant, ulong randomBits, HashSet<ElfStatus>? seen = null)
    {
        ElfStatus status = ElfImage.TryParse(mutant, out ElfImage image);
        seen?.Add(status);
        if (status != ElfStatus.Ok)
        {
            Assert.True(Enum.IsDefined(status), "a defined refusal");
            Assert.NotEqual("unknown ELF status", System.Text.Encoding.ASCII.GetString(ElfStatusText.Describe(status)));
            Assert.Equal(0, image.SegmentCount);
            return status;
        }

        ElfStatus chosen = image.TryChooseBase(randomBits, ElfImage.MinimumAddress, ElfImage.UserAddressLimit, out ulong loadBase);
        if (chosen != ElfStatus.Ok)
        {
            // Only a PIE linked so high that no base keeps it in the window.
            Assert.Equal(ElfStatus.AddressOutOfRange, chosen);
            Assert.Equal(ElfKind.PositionIndependent, image.Kind);
            return status;
        }

        Assert.Equal(ElfStatus.Ok, image.TryCreatePlan(loadBase, out ElfLoadPlan plan));
        PlanInvariants.Check(mutant, image, plan);
        return status;
    }

    private static byte[] Mutate(Base b, Kind kind, int seed)
    {
        var rng = new Random(seed);
        byte[] f = (byte[])b.Bytes.Clone();
        int edits = 1 + rng.Next(kind == Kind.Mixed ? 6 : 3);
        for (int e = 0; e < edits; e++)
        {
            Kind step = kind == Kind.Mixed ? (Kind)rng.Next(3) : kind;
            switch (step)
            {
                case Kind.Bytes:
                    {
                        int at = rng.Next(4) == 0 ? rng.Next(f.Length) : Hot(b, rng);
                        if (at >= f.Length)
                        {
                            break;
                        }

                        if (rng.Next(2) == 0)
                        {
                            f[at] ^= (byte)(1 << rng.Next(8));
                        }
                        else
                        {
                            f[at] = (byte)rng.Next(256);
                        }

                        break;
                    }

                case Kind.Field:
                    {
                        (int offset, int size) = b.Fields[rng.Next(b.Fields.Length)];
                        if (offset + size > f.Length)
                        {
                            break;
                        }

                        ulong original = size switch
                        {
                            1 => f[offset],
                            2 => BitConverter.ToUInt16(f, offset),
                            4 => BitConverter.ToUInt32(f, offset),
                            _ => BitConverter.ToUInt64(f, offset),
                        };
                        ulong value = rng.Next(6) switch
                        {
                            0 => s_awkward[rng.Next(s_awkward.Length)],
                            1 => original + (ulong)rng.Next(1, 0x2000),
                            2 => original - (ulong)rng.Next(1, 0x2000),
                            3 => original ^ (1UL << rng.Next(size * 8)),
                            4 => (ulong)rng.NextInt64(),
                            _ => original + ((ulong)rng.Next(1, 8) * 0x1000),
                        };
                        for (int i = 0; i < size; i++)
                        {
                            f[offset + i] = (byte)(value >> (8 * i));
                        }

                        break;
                    }

                case Kind.Truncate:
                    f = f[..rng.Next(f.Length + 1)];
                    break;
            }
        }

        return f;
    }

    private static int Hot(Base b, Random rng)
    {
        (int start, int end) = b.Hot[rng.Next(b.Hot.Length)];
        return start + rng.Next(Math.Max(1, end - start));
    }

    private static Gen<(int File, int Seed, ulong Bits)> Cases() =>
        from file in Gen.Choose(0, s_bases.Value.Length - 1)
        from seed in Gen.Choose(0, int.MaxValue)
        from bits in Gen.Choose(0, int.MaxValue)
        select (file, seed, (ulong)bits * 0x9E37_79B9_7F4A_7C15UL);

    [Theory]
    [InlineData(Kind.Bytes)]
    [InlineData(Kind.Field)]
    [InlineData(Kind.Truncate)]
    [InlineData(Kind.Mixed)]
    public void Mutants_are_accepted_with_a_sound_plan_or_refused(Kind kind)
    {
        var seen = new HashSet<ElfStatus>();
        int accepted = 0;
        PropertyCheck.ForAll(Cases(), c =>
        {
            byte[] mutant = Mutate(s_bases.Value[c.File], kind, c.Seed);
            if (CheckMutant(mutant, c.Bits, seen) == ElfStatus.Ok)
            {
                accepted++;
            }
        }, cases: CaseCount);

        _output.WriteLine($"{kind}: {accepted} accepted; statuses seen: {string.Join(", ", seen.Order())}");
        // The generators reach both sides and many distinct reasons (a truncation almost
        // always cuts something the headers point at, so it is rarely accepted).
        Assert.True(kind == Kind.Truncate || accepted > 20, $"only {accepted} mutants accepted");
        Assert.True(seen.Count >= (kind == Kind.Truncate ? 4 : 12), $"only {seen.Count} statuses: {string.Join(", ", seen)}");
    }

    [Fact]
    public void Every_truncation_of_every_good_file_is_handled()
    {
        foreach (Base b in s_bases.Value)
        {
            int step = Math.Max(1, b.Bytes.Length / 2000);
            for (int length = 0; length < b.Bytes.Length; length += step)
            {
                CheckMutant(b.Bytes[..length], (ulong)length);
            }

            Assert.Equal(ElfStatus.Ok, CheckMutant(b.Bytes, 0));
        }
    }
}
