using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using Microkernel.Process.Elf;
using Xunit;

namespace Microkernel.Tests;

/// <summary>What must hold for every accepted file, checked from the plan's outputs and an
/// independent re-read of the file's program headers (not through the parser).</summary>
public static class PlanInvariants
{
    private const ulong Page = 4096;

    public sealed record RawHeader(uint Type, uint Flags, ulong Offset, ulong Vaddr, ulong Filesz, ulong Memsz, ulong Align);

    public static List<RawHeader> ReadProgramHeaders(byte[] file)
    {
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(32));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(56));
        var list = new List<RawHeader>();
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> h = file.AsSpan(checked((int)phoff + (i * 56)), 56);
            list.Add(new RawHeader(
                BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt64LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[48..])));
        }

        return list;
    }

    /// <summary>Checks an accepted image and its plan at <paramref name="plan"/>.Base.</summary>
    public static void Check(byte[] file, ElfImage image, ElfLoadPlan plan)
    {
        ulong b = plan.Base;
        var length = (UInt128)file.Length;
        List<RawHeader> raw = ReadProgramHeaders(file);
        var loads = raw.Where(h => h.Type == 1 && h.Memsz != 0).ToList();

        // Facts about the file that acceptance implies.
        Assert.DoesNotContain(raw, h => h.Type == 3); // PT_INTERP
        Assert.DoesNotContain(raw, h => h.Type == 1 && (h.Flags & 3) == 3); // W+X PT_LOAD
        Assert.DoesNotContain(raw, h => h.Type == 0x6474E551 && (h.Flags & 1) != 0); // exec stack
        Assert.Equal(loads.Count, plan.SegmentCount);
        Assert.InRange(plan.SegmentCount, 1, ElfImage.MaxLoadSegments);
        if (image.Kind == ElfKind.Executable)
        {
            Assert.Equal(0UL, b);
        }
        else
        {
            Assert.Equal(0UL, b % image.Alignment);
        }

        ulong previousEnd = 0;
        for (int i = 0; i < plan.SegmentCount; i++)
        {
            ElfSegment s = plan.Segment(i);
            RawHeader h = loads[i];
            Assert.Equal(h.Vaddr + b, s.VirtualAddress);
            Assert.Equal(h.Memsz, s.MemorySize);
            Assert.Equal(h.Offset, s.FileOffset);
            Assert.Equal(h.Filesz, s.FileSize);
            Assert.True((UInt128)s.FileOffset + s.FileSize <= length, "segment bytes inside the file");
            Assert.True(s.FileSize <= s.MemorySize);
            Assert.False((s.Protection & ElfProtection.Write) != 0 && (s.Protection & ElfProtection.Execute) != 0, "W^X");
            Assert.Equal(0UL, s.MapStart % Page);
            Assert.Equal(0UL, s.MapLength % Page);
            Assert.True(s.MapLength > 0);
            Assert.True(s.MapStart <= s.VirtualAddress && (UInt128)s.VirtualAddress + s.MemorySize <= (UInt128)s.MapStart + s.MapLength);
            Assert.True(s.MapStart >= ElfImage.MinimumAddress, "above the null guard");
            Assert.True((UInt128)s.MapStart + s.MapLength <= ElfImage.UserAddressLimit, "lower half");
            Assert.True(i == 0 || s.MapStart >= previousEnd, "sorted and page-disjoint");
            Assert.Equal(s.ZeroStart, s.VirtualAddress + s.FileSize);
            Assert.Equal(s.ZeroLength, s.MemorySize - s.FileSize);
            previousEnd = s.MapStart + s.MapLength;
        }

        Assert.Equal(plan.Segment(0).MapStart, plan.ImageStart);
        Assert.Equal(previousEnd, plan.ImageEnd);
        Assert.True(plan.ImageEnd - plan.ImageStart <= ElfImage.MaxImageSpan);

        Assert.Contains(Segments(plan), s => (s.Protection & ElfProtection.Execute) != 0 &&
            plan.Entry >= s.VirtualAddress && plan.Entry < s.VirtualAddress + s.FileSize);

        if (plan.HasTls)
        {
            ElfTls t = plan.Tls;
            Assert.True((UInt128)t.FileOffset + t.FileSize <= length);
            Assert.True(t.FileSize <= t.MemorySize && t.MemorySize <= ElfImage.MaxTlsSize);
            Assert.True(ulong.IsPow2(t.Alignment) && t.Alignment <= ElfImage.MaxTlsAlignment);
            if (t.FileSize != 0)
            {
                Assert.Contains(Segments(plan), s => t.TemplateAddress >= s.VirtualAddress &&
                    (UInt128)t.TemplateAddress + t.FileSize <= (UInt128)s.VirtualAddress + s.FileSize &&
                    t.TemplateAddress - s.VirtualAddress == t.FileOffset - s.FileOffset);
            }
        }

        if (plan.RelroLength != 0)
        {
            Assert.Equal(0UL, plan.RelroStart % Page);
            Assert.Equal(0UL, plan.RelroLength % Page);
            Assert.Contains(Segments(plan), s => (s.Protection & ElfProtection.Write) != 0 &&
                plan.RelroStart >= s.MapStart && plan.RelroStart + plan.RelroLength <= s.MapStart + s.MapLength);
        }

        for (int i = 0; i < plan.RelocationCount; i++)
        {
            Assert.Equal(ElfStatus.Ok, plan.TryGetRelocation(file, i, out ElfRelocation r));
            Assert.Equal(0UL, r.Address % 8);
            Assert.Contains(Segments(plan), s => (s.Protection & ElfProtection.Write) != 0 &&
                r.Address >= s.VirtualAddress && r.Address + 8 <= s.VirtualAddress + s.MemorySize);
        }

        Assert.Equal(ElfStatus.FileMismatch, plan.TryGetRelocation(file, plan.RelocationCount, out _));
        Assert.Equal(ElfStatus.FileMismatch, plan.TryGetRelocation(file, -1, out _));
    }

    public static IEnumerable<ElfSegment> Segments(ElfLoadPlan plan)
    {
        var list = new List<ElfSegment>();
        for (int i = 0; i < plan.SegmentCount; i++)
        {
            list.Add(plan.Segment(i));
        }

        return list;
    }
}
