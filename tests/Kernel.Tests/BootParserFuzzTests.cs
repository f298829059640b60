using System;
using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Boot;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Random structures whose pointers land inside, at the edge of, or outside the
/// fake memory: whatever the bytes, parsing terminates with bounded reads, never reads
/// out of bounds, and fills BootInfo within its capacities.</summary>
public class BootParserFuzzTests
{
    private const ulong ChunkBase = 0x8000;
    private const int ChunkSize = 0x2000;

    public sealed record Garbage(byte[] Bytes, uint[] Pointers, bool Pvh)
    {
        public override string ToString() => $"pvh={Pvh} ptrs=[{string.Join(",", Pointers)}] bytes={Convert.ToHexString(Bytes.AsSpan(0, 64))}...";
    }

    private static readonly Gen<uint> s_pointer = Gen.Frequency(
        (6, Gen.Choose(0, ChunkSize + 64).Select(o => (uint)ChunkBase + (uint)o)),
        (1, Gen.Elements(0u, 1u, 0xffffffffu, 0x7ff0u, (uint)ChunkBase + ChunkSize - 1)));

    private static readonly Gen<Garbage> s_garbageGen =
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), ChunkSize)
        from pointers in Gen.ArrayOf(s_pointer, 6)
        from small in Gen.ArrayOf(Gen.Choose(0, 40), 4)
        from pvh in Gen.Elements(false, true)
        select Shape(bytes, pointers, small, pvh);

    /// <summary>Plants plausible headers so parsing gets past the magic and flags often.</summary>
    private static Garbage Shape(byte[] bytes, uint[] p, int[] small, bool pvh)
    {
        Span<byte> s = bytes.AsSpan();
        if (pvh)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s, PvhStartInfoParser.StartMagic);
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(4), (uint)small[0] % 3);
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(0xc), (uint)small[1]);
            BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(0x10), p[0]);
            BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(0x18), p[1]);
            BinaryPrimitives.WriteUInt64LittleEndian(s.Slice(0x28), p[2]);
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(0x30), (uint)small[2] * 7);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(16), p[1]);
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(20), (uint)small[1]);
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(24), p[0]);
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(44), (uint)small[2] * 24);
            BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(48), p[2]);
        }

        return new Garbage(bytes, p, pvh);
    }

    [Fact]
    public void Garbage_never_reads_out_of_bounds_and_terminates()
    {
        PropertyCheck.ForAll(s_garbageGen, g =>
        {
            var memory = new FakePhysicalMemory();
            memory.Add(ChunkBase, g.Bytes);
            BootInfo info = default;
            ulong infoAddress = g.Pointers[3] % 4 == 0 ? g.Pointers[4] : ChunkBase;
            BootParseStatus status = g.Pvh
                ? PvhStartInfoParser.Parse(ref memory, infoAddress, ref info)
                : Multiboot1Parser.Parse(ref memory, Multiboot1Parser.BootloaderMagic, infoAddress, ref info);

            memory.AssertNoOutOfBoundsSuccess();
            Assert.InRange(info.MemoryRegionCount, 0, BootInfo.MaxMemoryRegions);
            Assert.InRange(info.ModuleCount, 0, BootInfo.MaxModules);
            Assert.True(memory.Reads < 20_000, $"{memory.Reads} reads");
            Assert.True(info.CommandLineLength <= BootInfo.MaxCommandLineLength);
            for (int i = 0; i < info.MemoryRegionCount; i++)
            {
                MemoryRegion r = info.GetMemoryRegion(i);
                Assert.False(r.IsEmpty);
                Assert.True(r.Length <= ulong.MaxValue - r.Base, "End must not wrap");
            }

            for (int i = 0; i < info.ModuleCount; i++)
            {
                Assert.True(info.GetModule(i).End >= info.GetModule(i).Start);
            }

            if (status == BootParseStatus.Ok)
            {
                Assert.True(info.MemoryRegionCount > 0 || info.DroppedRegions == 0);
            }

            Span<MemoryRegion> reservations = stackalloc MemoryRegion[BootInfo.MaxBootReservations];
            Assert.True(info.CollectBootReservations(reservations) >= 0);
        });
    }
}
