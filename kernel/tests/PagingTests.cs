using Microkernel.Arch;
using Microkernel.Diagnostics;
using Microkernel.Memory;
using Microkernel.Memory.Paging;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>The kernel's page tables: W^X, section permissions, guard pages, the
/// nofault routines, and the editor on a scratch address.</summary>
internal static unsafe class PagingTests
{
    internal static void Register()
    {
        TestRegistry.Add("mm/wx-no-page-writable-and-executable", &NoWritableExecutable);
        TestRegistry.Add("mm/section-permissions", &SectionPermissions);
        TestRegistry.Add("mm/write-to-text-faults", &WriteToTextFaults);
        TestRegistry.Add("mm/execute-data-and-stack-faults", &ExecuteDataFaults);
        TestRegistry.Add("mm/kernel-stack-guard-page", &StackGuard);
        TestRegistry.Add("mm/nofault-copy", &NoFaultCopy);
        TestRegistry.Add("mm/editor-map-protect-unmap", &EditorRoundTrip);
    }

    private static void NoWritableExecutable(ref TestResult t)
    {
        True(ref t, KernelPageTables.Active, "the kernel's tables are loaded"u8);
        Equal(ref t, KernelPageTables.Root, Cpu.ReadCr3() & PageEntry.AddressMask, "CR3 holds them"u8);
        Equal(ref t, 0, KernelPageTables.Editor.CountWritableExecutableLeaves(), "writable+executable leaves"u8);
        True(ref t, (Cpu.ReadCr0() & (1UL << 16)) != 0, "CR0.WP: ring 0 honours read-only pages"u8);
        True(ref t, (Cpu.ReadMsr(0xC0000080) & (1UL << 11)) != 0, "EFER.NXE: no-execute is enforced"u8);
    }

    private static bool Has(ulong entry, PageFlags flag) => (entry & (ulong)flag) != 0;

    private static void SectionPermissions(ref TestResult t)
    {
        ulong text = KernelPageTables.Editor.Query(KernelImage.TextStart, out ulong size);
        Equal(ref t, 4096UL, size, "the image uses 4 KiB pages"u8);
        True(ref t, !Has(text, PageFlags.Writable) && !Has(text, PageFlags.NoExecute), "text is r-x"u8);
        ulong rodata = KernelPageTables.Editor.Query(KernelImage.RodataStart, out _);
        True(ref t, !Has(rodata, PageFlags.Writable) && Has(rodata, PageFlags.NoExecute), "rodata is r--"u8);
        ulong data = KernelPageTables.Editor.Query(KernelImage.DataStart, out _);
        True(ref t, Has(data, PageFlags.Writable) && Has(data, PageFlags.NoExecute), "data is rw- nx"u8);
        ulong local = 0;
        ulong stack = KernelPageTables.Editor.Query((ulong)&local, out _);
        True(ref t, Has(stack, PageFlags.Writable) && Has(stack, PageFlags.NoExecute), "the stack is rw- nx"u8);
        True(ref t, PhysicalMemory.TryAllocate(FramePurpose.Test, out ulong frame), "a frame"u8);
        ulong direct = KernelPageTables.Editor.Query(frame, out _);
        True(ref t, Has(direct, PageFlags.Writable) && Has(direct, PageFlags.NoExecute), "the direct map is rw- nx"u8);
        PhysicalMemory.Free(FramePurpose.Test, frame);
        Equal(ref t, 0UL, KernelPageTables.Editor.Query(0, out _), "page 0 is absent"u8);
        Equal(ref t, 0UL, KernelPageTables.Editor.Query(KernelImage.BootStackBottom - 4096, out _), "the boot stack guard is absent"u8);
    }

    private static void WriteToTextFaults(ref TestResult t)
    {
        ulong before = *(ulong*)KernelImage.TextStart;
        False(ref t, FaultFixups.TryWrite(KernelImage.TextStart, 0x9090909090909090), "write to text"u8);
        False(ref t, FaultFixups.TryWrite(KernelImage.RodataStart, 1), "write to rodata"u8);
        Equal(ref t, before, *(ulong*)KernelImage.TextStart, "text unchanged"u8);
        ulong scratch = 0;
        True(ref t, FaultFixups.TryWrite((ulong)&scratch, 5) && scratch == 5, "write to the stack works"u8);
    }

    private static byte s_ret = 0xC3;

    private static void ExecuteDataFaults(ref TestResult t)
    {
        fixed (byte* data = &s_ret)
        {
            False(ref t, FaultFixups.TryExecute((ulong)data), "a ret in kernel data does not run"u8);
        }

        byte* onStack = stackalloc byte[16];
        onStack[0] = 0xC3;
        False(ref t, FaultFixups.TryExecute((ulong)onStack), "a ret on the stack does not run"u8);
        True(ref t, PhysicalMemory.TryAllocate(FramePurpose.Test, out ulong frame), "a frame"u8);
        *(byte*)frame = 0xC3;
        False(ref t, FaultFixups.TryExecute(frame), "a ret in the direct map does not run"u8);
        PhysicalMemory.Free(FramePurpose.Test, frame);
    }

    private static void StackGuard(ref TestResult t)
    {
        ulong top = KernelStacks.Allocate(4);
        True(ref t, top != 0, "a guarded stack"u8);
        ulong bottom = top - 4 * 4096;
        True(ref t, FaultFixups.TryWrite(bottom, 1), "the lowest stack page is writable"u8);
        True(ref t, FaultFixups.TryWrite(top - 8, 1), "the top is writable"u8);
        False(ref t, FaultFixups.TryRead(bottom - 8, out _), "the guard page below faults"u8);
        True(ref t, KernelStacks.IsGuard(bottom - 8), "and is known as a guard"u8);
        Bytes(ref t, "kernel stack guard page"u8, KernelPageTables.AreaName(bottom - 8), "its area name"u8);
    }

    private static void NoFaultCopy(ref TestResult t)
    {
        byte* source = stackalloc byte[64];
        byte* destination = stackalloc byte[64];
        for (int i = 0; i < 64; i++)
        {
            source[i] = (byte)(i + 1);
        }

        Equal(ref t, 0UL, FaultFixups.TryCopy(destination, source, 64), "a good copy copies everything"u8);
        Equal(ref t, 64, destination[63], "last byte"u8);
        Equal(ref t, 32UL, FaultFixups.TryCopy(destination, (void*)8, 32), "from the null page: nothing copied"u8);
        Equal(ref t, 16UL, FaultFixups.TryCopy(destination, (void*)0x0000800000000000UL, 16), "non-canonical source"u8);
        Equal(ref t, 8UL, FaultFixups.TryCopy((void*)KernelImage.TextStart, source, 8), "into kernel text"u8);
        // Across the start of an unmapped page: the bytes before it are copied, the
        // count of the rest comes back. (Read only: the page below belongs to someone.)
        ulong top = KernelStacks.Allocate(1);
        ulong guard = top - 2 * 4096;
        Equal(ref t, 16UL, FaultFixups.TryCopy(destination, (void*)(guard - 16), 32), "copy stops at the guard page"u8);
        Equal(ref t, 0UL, FaultFixups.TryCopy(destination, source, 0), "an empty copy"u8);
    }

    private static void EditorRoundTrip(ref TestResult t)
    {
        // A scratch address far above the direct map, in the lower half.
        const ulong Scratch = 0x0000_2000_0000_0000UL;
        ulong tablesBefore = PhysicalMemory.FramesFor(FramePurpose.PageTable);
        True(ref t, PhysicalMemory.TryAllocate(FramePurpose.Test, out ulong frame), "a frame"u8);
        ref PageTableEditor<FrameTableMemory> editor = ref KernelPageTables.Editor;
        Equal(ref t, (long)MapStatus.WritableAndExecutable, (long)editor.Map(Scratch, frame, PageFlags.Writable), "W+X refused"u8);
        Equal(ref t, (long)MapStatus.Ok, (long)editor.Map(Scratch, frame, PageFlags.Writable | PageFlags.NoExecute), "map"u8);
        Equal(ref t, (long)MapStatus.AlreadyMapped, (long)editor.Map(Scratch, frame, PageFlags.NoExecute), "no silent replace"u8);
        True(ref t, PhysicalMemory.FramesFor(FramePurpose.PageTable) > tablesBefore, "intermediate tables were created"u8);
        *(ulong*)Scratch = 0xFEEDFACE;
        Equal(ref t, 0xFEEDFACEUL, *(ulong*)frame, "the write reached the frame"u8);
        True(ref t, editor.TryTranslate(Scratch + 12, out ulong physical) && physical == frame + 12, "translate"u8);
        Equal(ref t, (long)MapStatus.Ok, (long)editor.Protect(Scratch, PageFlags.NoExecute), "protect read-only"u8);
        Tlb.Invalidate(Scratch);
        False(ref t, FaultFixups.TryWrite(Scratch, 1), "now read-only"u8);
        Equal(ref t, (long)MapStatus.WritableAndExecutable, (long)editor.Protect(Scratch, PageFlags.Writable), "protect to W+X refused"u8);
        Equal(ref t, (long)MapStatus.Ok, (long)editor.Unmap(Scratch, out ulong unmapped), "unmap"u8);
        Tlb.Invalidate(Scratch);
        Equal(ref t, frame, unmapped, "unmap returns the frame"u8);
        False(ref t, FaultFixups.TryRead(Scratch, out _), "gone"u8);
        Equal(ref t, tablesBefore, PhysicalMemory.FramesFor(FramePurpose.PageTable), "empty tables were freed"u8);
        PhysicalMemory.Free(FramePurpose.Test, frame);
    }
}
