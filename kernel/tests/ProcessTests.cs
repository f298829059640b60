using System;
using Microkernel.Process;
using Microkernel.Process.Elf;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>Service images: loading at random bases, running in ring 3, refusing
/// malformed ELFs while the kernel carries on.</summary>
internal static unsafe class ProcessTests
{
    internal static void Register()
    {
        TestRegistry.Add("proc/service-runs-in-ring3", &ServiceRuns);
        TestRegistry.Add("proc/service-bases-are-random", &RandomBases);
        TestRegistry.Add("proc/malformed-elf-refused", &MalformedRefused);
    }

    private static bool Hello(out System.ReadOnlySpan<byte> name, out System.ReadOnlySpan<byte> elf)
    {
        for (int i = 0; i < ServiceImages.Count; i++)
        {
            ServiceImages.Get(i, out name, out elf);
            if (name.SequenceEqual("hello"u8))
            {
                return true;
            }
        }
        name = default;
        elf = default;
        return false;
    }

    private static void ServiceRuns(ref TestResult t)
    {
        True(ref t, Hello(out _, out _), "the image carries the hello service"u8);
        ulong anonymous = Memory.PhysicalMemory.FramesFor(Memory.FramePurpose.Anonymous);
        int first = ServiceLauncher.SlotCount;
        int slot = ServiceLauncher.LoadByName("hello"u8);
        True(ref t, slot >= 0 && ServiceLauncher.Start(slot), "loaded and started"u8);
        ServiceLauncher.WaitForAll(first);
        Equal(ref t, 58, ServiceLauncher.StatusOf(slot), "its Main returned 30 + 28 (allocation, statics, interface call)"u8);
        Equal(ref t, anonymous, Memory.PhysicalMemory.FramesFor(Memory.FramePurpose.Anonymous), "its memory was returned"u8);
    }

    private static void RandomBases(ref TestResult t)
    {
        if (!Hello(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> elf)) { True(ref t, false, "hello service"u8); return; }
        ulong first = 0;
        int distinct = 0;
        for (int i = 0; i < 4; i++)
        {
            True(ref t, ServiceLoader.Load(name, elf, out LoadedService loaded).IsOk, "loaded"u8);
            Equal(ref t, 0UL, loaded.Base % 4096, "page aligned"u8);
            True(ref t, loaded.Base >= Memory.AddressSpace.UserLowest, "in user space"u8);
            if (i == 0)
            {
                first = loaded.Base;
            }
            else if (loaded.Base != first)
            {
                distinct++;
            }

            loaded.Space?.Destroy();
        }
        True(ref t, distinct >= 2, "bases differ between loads"u8);
    }

    private static void MalformedRefused(ref TestResult t)
    {
        if (!Hello(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> elf)) { True(ref t, false, "hello service"u8); return; }
        byte[] copy = new byte[elf.Length];
        elf.CopyTo(copy);
        ulong freeBefore = Memory.PhysicalMemory.Frames.FreeFrames;

        copy[0] = 0x7E; // bad magic
        Equal(ref t, Abi.Errno.ENOEXEC, ServiceLoader.Load("bad-magic"u8, copy, out _).Errno, "bad magic refused as ENOEXEC"u8);
        Equal(ref t, (long)ElfStatus.BadMagic, (long)ElfImage.TryParse(copy, out _), "with the reason"u8);
        elf.CopyTo(copy);

        // Make the first executable segment writable too: W^X refuses it.
        ulong phoff = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(new System.ReadOnlySpan<byte>(copy, 0x20, 8));
        int phnum = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(new System.ReadOnlySpan<byte>(copy, 0x38, 2));
        for (int i = 0; i < phnum; i++)
        {
            int at = (int)phoff + i * 56;
            uint type = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(new System.ReadOnlySpan<byte>(copy, at, 4));
            uint flags = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(new System.ReadOnlySpan<byte>(copy, at + 4, 4));
            if (type == 1 && (flags & 1) != 0) { copy[at + 4] = (byte)(flags | 2); break; }
        }
        Equal(ref t, Abi.Errno.ENOEXEC, ServiceLoader.Load("wx"u8, copy, out _).Errno, "a writable+executable segment is refused"u8);
        Equal(ref t, (long)ElfStatus.WritableAndExecutableSegment, (long)ElfImage.TryParse(copy, out _), "with the reason"u8);

        Equal(ref t, Abi.Errno.ENOEXEC, ServiceLoader.Load("truncated"u8, new System.ReadOnlySpan<byte>(copy, 0, 100), out _).Errno, "a truncated file is refused"u8);
        Equal(ref t, freeBefore, Memory.PhysicalMemory.Frames.FreeFrames, "refusals leave nothing behind"u8);
        True(ref t, ServiceLoader.Load(name, elf, out LoadedService good).IsOk, "and the good image still loads"u8);
        good.Space?.Destroy();
    }
}
