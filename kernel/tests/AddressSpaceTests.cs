using Microkernel.Arch;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>Address spaces with Linux mmap semantics, in the image: demand-zero
/// pages, munmap/mprotect splitting, errors, populate, guards, out of memory.</summary>
internal static unsafe class AddressSpaceTests
{
    internal static void Register()
    {
        TestRegistry.Add("mm/mmap-demand-zero", &DemandZero);
        TestRegistry.Add("mm/munmap-partial-frees-frames", &PartialUnmap);
        TestRegistry.Add("mm/mprotect-split-and-wx", &ProtectSplit);
        TestRegistry.Add("mm/mmap-errors", &MapErrors);
        TestRegistry.Add("mm/mmap-populate-and-guard", &PopulateAndGuard);
        TestRegistry.Add("mm/mmap-out-of-memory-rolls-back", &OutOfMemory);
        TestRegistry.Add("mm/address-space-teardown", &Teardown);
    }

    private const ulong Page = 4096;
    private const VmProtection ReadWrite = VmProtection.Read | VmProtection.Write;

    private static AddressSpace? Enter(ref TestResult t)
    {
        var space = AddressSpace.Create();
        True(ref t, space != null, "an address space"u8);
        space?.Activate();
        return space;
    }

    private static void Leave(AddressSpace? space)
    {
        AddressSpace.ActivateKernel();
        space?.Destroy();
    }

    private static void DemandZero(ref TestResult t)
    {
        AddressSpace? space = Enter(ref t);
        if (space == null)
        {
            return;
        }

        ulong anonymousBefore = PhysicalMemory.FramesFor(FramePurpose.Anonymous);
        Equal(ref t, (long)VmError.None, (long)space.Map(0, 16 * Page, ReadWrite, MapFlags.None, VmAreaKind.Anonymous, 1, out ulong at), "map 16 pages"u8);
        True(ref t, at >= AddressSpace.UserLowest && at % Page == 0, "placed in user space, aligned"u8);
        Equal(ref t, 0UL, space.ResidentPages, "nothing resident before the first touch"u8);
        ulong* first = (ulong*)at;
        Equal(ref t, 0UL, first[0], "a fresh page reads zero"u8);
        first[1] = 0xABCD;
        ulong* last = (ulong*)(at + 15 * Page);
        last[511] = 7;
        Equal(ref t, 0xABCDUL, first[1], "the write stuck"u8);
        Equal(ref t, 2UL, space.ResidentPages, "two pages filled on demand"u8);
        Equal(ref t, 2UL, space.DemandFaults, "by two faults"u8);
        Equal(ref t, anonymousBefore + 2, PhysicalMemory.FramesFor(FramePurpose.Anonymous), "two anonymous frames"u8);
        Leave(space);
        Equal(ref t, anonymousBefore, PhysicalMemory.FramesFor(FramePurpose.Anonymous), "teardown returned them"u8);
    }

    private static void PartialUnmap(ref TestResult t)
    {
        AddressSpace? space = Enter(ref t);
        if (space == null)
        {
            return;
        }

        space.Map(0, 8 * Page, ReadWrite, MapFlags.Populate, VmAreaKind.Anonymous, 1, out ulong at);
        Equal(ref t, 8UL, space.ResidentPages, "populated"u8);
        Equal(ref t, (long)VmError.None, (long)space.Unmap(at + 2 * Page, 3 * Page), "unmap the middle"u8);
        Equal(ref t, 5UL, space.ResidentPages, "three frames released"u8);
        Equal(ref t, 2, space.Areas.AreaCount, "the area split in two"u8);
        False(ref t, FaultFixups.TryRead(at + 3 * Page, out _), "the hole faults"u8);
        True(ref t, FaultFixups.TryRead(at + 5 * Page, out _), "the tail is still mapped"u8);
        Equal(ref t, (long)VmError.None, (long)space.Unmap(at + 2 * Page, 3 * Page), "unmapping a hole is not an error"u8);
        Leave(space);
    }

    private static void ProtectSplit(ref TestResult t)
    {
        AddressSpace? space = Enter(ref t);
        if (space == null)
        {
            return;
        }

        space.Map(0, 4 * Page, ReadWrite, MapFlags.Populate, VmAreaKind.Anonymous, 1, out ulong at);
        Equal(ref t, (long)VmError.None, (long)space.Protect(at + Page, Page, VmProtection.Read), "read-only in the middle"u8);
        Equal(ref t, 3, space.Areas.AreaCount, "split into three"u8);
        False(ref t, FaultFixups.TryWrite(at + Page, 1), "the read-only page refuses writes"u8);
        True(ref t, FaultFixups.TryWrite(at + 2 * Page, 1), "its neighbour does not"u8);
        Equal(ref t, (long)VmError.EACCES, (long)space.Protect(at, Page, VmProtection.Write | VmProtection.Execute), "W+X refused"u8);
        Equal(ref t, (long)VmError.None, (long)space.Protect(at + Page, Page, ReadWrite), "back to read-write"u8);
        Equal(ref t, 1, space.Areas.AreaCount, "merged again"u8);
        Equal(ref t, (long)VmError.ENOMEM, (long)space.Protect(at, 8 * Page, VmProtection.Read), "a range with a hole"u8);
        True(ref t, FaultFixups.TryWrite(at, 1), "and nothing changed"u8);
        Leave(space);
    }

    private static void MapErrors(ref TestResult t)
    {
        AddressSpace? space = Enter(ref t);
        if (space == null)
        {
            return;
        }

        Equal(ref t, (long)VmError.EINVAL, (long)space.Map(0, 0, ReadWrite, MapFlags.None, VmAreaKind.Anonymous, 1, out _), "zero length"u8);
        Equal(ref t, (long)VmError.EINVAL, (long)space.Map(AddressSpace.UserLowest + 5, Page, ReadWrite, MapFlags.Fixed, VmAreaKind.Anonymous, 1, out _), "unaligned fixed address"u8);
        True(ref t, space.Map(0, ulong.MaxValue - 4095, ReadWrite, MapFlags.None, VmAreaKind.Anonymous, 1, out _) != VmError.None, "overflowing length"u8);
        Equal(ref t, (long)VmError.ENOMEM, (long)space.Map(0, AddressSpace.UserHighest, ReadWrite, MapFlags.None, VmAreaKind.Anonymous, 1, out _), "larger than the space"u8);
        Equal(ref t, (long)VmError.EACCES, (long)space.Map(0, Page, VmProtection.Write | VmProtection.Execute, MapFlags.None, VmAreaKind.Anonymous, 1, out _), "W+X mapping refused"u8);
        space.Map(0, 2 * Page, ReadWrite, MapFlags.None, VmAreaKind.Anonymous, 1, out ulong at);
        Equal(ref t, (long)VmError.EEXIST, (long)space.Map(at + Page, Page, ReadWrite, MapFlags.FixedNoReplace, VmAreaKind.Anonymous, 1, out _), "no-replace over a mapping"u8);
        Equal(ref t, (long)VmError.None, (long)space.Map(at + Page, Page, VmProtection.Read, MapFlags.Fixed, VmAreaKind.Anonymous, 2, out ulong fixedAt), "fixed replaces"u8);
        Equal(ref t, at + Page, fixedAt, "at the address asked for"u8);
        Leave(space);
    }

    private static void PopulateAndGuard(ref TestResult t)
    {
        AddressSpace? space = Enter(ref t);
        if (space == null)
        {
            return;
        }

        space.Map(0, 4 * Page, ReadWrite, MapFlags.None, VmAreaKind.Guard, 3, out ulong guard);
        False(ref t, FaultFixups.TryRead(guard, out _), "a guard area never fills"u8);
        Equal(ref t, 0UL, space.ResidentPages, "and holds no frames"u8);
        space.Map(0, 32 * Page, ReadWrite, MapFlags.Populate, VmAreaKind.Anonymous, 1, out ulong at);
        Equal(ref t, 32UL, space.ResidentPages, "populate backs every page up front"u8);
        ulong faults = space.DemandFaults;
        for (ulong p = 0; p < 32; p++)
        {
            *(ulong*)(at + p * Page) = p;
        }

        Equal(ref t, faults, space.DemandFaults, "no faults when touching populated pages"u8);
        Leave(space);
    }

    private static void OutOfMemory(ref TestResult t)
    {
        AddressSpace? space = Enter(ref t);
        if (space == null)
        {
            return;
        }

        ulong free = PhysicalMemory.Frames.FreeFrames;
        ulong resident = space.ResidentPages;
        Equal(ref t, (long)VmError.ENOMEM, (long)space.Map(0, (free + 64) * Page, ReadWrite, MapFlags.Populate, VmAreaKind.Anonymous, 1, out _), "more than all free memory"u8);
        Equal(ref t, resident, space.ResidentPages, "rolled back"u8);
        Equal(ref t, free, PhysicalMemory.Frames.FreeFrames, "every frame returned"u8);
        Equal(ref t, 0, space.Areas.AreaCount, "no area left behind"u8);
        Leave(space);
    }

    private static void Teardown(ref TestResult t)
    {
        ulong freeBefore = PhysicalMemory.Frames.FreeFrames;
        for (int round = 0; round < 5; round++)
        {
            AddressSpace? space = Enter(ref t);
            if (space == null)
            {
                return;
            }

            space.Map(0, 64 * Page, ReadWrite, MapFlags.None, VmAreaKind.Anonymous, 1, out ulong at);
            for (ulong p = 0; p < 64; p += 3)
            {
                *(byte*)(at + p * Page) = 1;
            }

            Leave(space);
        }
        // The AddressSpace objects themselves come from the (never-freeing) early heap.
        True(ref t, PhysicalMemory.Frames.FreeFrames + 64 >= freeBefore, "five spaces leave no frames behind"u8);
        Equal(ref t, KernelPageTablesRoot(), Cpu.ReadCr3() & 0x000F_FFFF_FFFF_F000UL, "back on the kernel's tables"u8);
    }

    private static ulong KernelPageTablesRoot() => Memory.Paging.KernelPageTables.Root;
}
