using Microkernel.Arch;
using Microkernel.Boot;
using Microkernel.Console;
using Microkernel.Diagnostics;

namespace Microkernel.Memory.Paging;

/// <summary>The kernel's own page tables, replacing the boot identity map.</summary>
/// <remarks>
/// Layout (virtual = physical for everything the kernel maps, so the image and every
/// pointer made during boot stay valid):
/// <list type="bullet">
/// <item>kernel image by section: boot code and text read+execute; rodata read-only;
/// data, bss and the boot stack read+write, no-execute;</item>
/// <item>all other RAM and firmware regions of the memory map: the direct map,
/// read+write (firmware read-only), no-execute, 2 MiB pages where aligned;</item>
/// <item>page 0 and the page under the boot stack: absent (null and overflow guards);</item>
/// <item>local APIC: one uncached page.</item>
/// </list>
/// Invariant: no page is writable and executable (checked after building).
/// </remarks>
internal static unsafe class KernelPageTables
{
    private static PageTableEditor<FrameTableMemory> s_editor;
    private static bool s_active;

    /// <summary>Physical address of the kernel PML4.</summary>
    internal static ulong Root => s_editor.Root;

    /// <summary>True once CR3 holds the kernel's tables.</summary>
    internal static bool Active => s_active;

    /// <summary>Maps one page of device registers (uncached, no-execute) at its physical
    /// address, after the tables are active (an I/O APIC found in the MADT). True if it
    /// is mapped (now or before).</summary>
    internal static bool MapDevicePage(ulong physical)
    {
        ulong page = physical & ~4095UL;
        if (s_editor.Query(page, out _) != 0)
        {
            return true;
        }

        if (s_editor.Map(page, page, PageFlags.Writable | PageFlags.NoExecute | PageFlags.CacheDisable) != MapStatus.Ok)
        {
            return false;
        }

        Tlb.Invalidate(page);
        return true;
    }

    /// <summary>Direct access for the address-space code and tests.</summary>
    internal static ref PageTableEditor<FrameTableMemory> Editor => ref s_editor;

    /// <summary>Builds the tables and switches CR3 to them. False if memory ran out
    /// (the boot map stays, and the caller panics).</summary>
    internal static bool BuildAndActivate(ulong localApicBase)
    {
        FrameTableMemory memory = default;
        if (!memory.TryAllocateTable(out ulong root))
        {
            return false;
        }

        s_editor = new PageTableEditor<FrameTableMemory>(memory, root);

        if (!MapImage())
        {
            return false;
        }

        System.ReadOnlySpan<MemoryRegion> map = PhysicalMemory.Map;
        for (int i = 0; i < map.Length; i++)
        {
            MemoryRegion region = map[i];
            if (region.Kind == MemoryKind.KernelImage || region.Kind == MemoryKind.Bad)
            {
                continue;
            }

            PageFlags flags = region.Kind == MemoryKind.Reserved && region.Base >= MemoryMapBuilder.LowMemoryLimit
                ? PageFlags.NoExecute                      // firmware: read-only
                : PageFlags.Writable | PageFlags.NoExecute;
            ulong start = System.Math.Max(region.Base & ~4095UL, 4096UL); // page 0 stays absent
            ulong end = (region.End + 4095) & ~4095UL;
            if (!MapRange(start, end, flags))
            {
                return false;
            }
        }
        if (localApicBase != 0 &&
            s_editor.Map(localApicBase, localApicBase, PageFlags.Writable | PageFlags.NoExecute | PageFlags.CacheDisable) != MapStatus.Ok)
        {
            return false;
        }

        int violations = s_editor.CountWritableExecutableLeaves();
        if (violations != 0)
        {
            Panic.Fail("kernel page tables have writable+executable pages"u8);
        }

        Cpu.WriteCr3(root);
        s_active = true;
        LogLine line = Log.Begin(LogLevel.Info, "mm"u8);
        line.Text("kernel page tables at "u8); line.Address(root);
        line.Text(": text r-x, rodata r--, data rw- (nx), direct map rw- (nx), "u8);
        line.Decimal(PhysicalMemory.FramesFor(FramePurpose.PageTable));
        line.Text(" table frames"u8);
        line.End();
        return true;
    }

    /// <summary>Maps the kernel image section by section and leaves the guard page
    /// under the boot stack out.</summary>
    private static bool MapImage()
    {
        ulong start = KernelImage.Start, end = (KernelImage.End + 4095) & ~4095UL;
        ulong guard = KernelImage.BootStackBottom - 4096;
        for (ulong page = start; page < end; page += 4096)
        {
            if (page == guard)
            {
                continue;
            }

            PageFlags flags = page < KernelImage.TextEnd
                ? PageFlags.None                                   // boot code, text: r-x
                : page < KernelImage.DataStart
                    ? PageFlags.NoExecute                          // rodata: r--
                    : PageFlags.Writable | PageFlags.NoExecute;    // data, bss, stack: rw-
            if (s_editor.Map(page, page, flags) != MapStatus.Ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Identity-maps [start, end) with 2 MiB pages where both ends allow it.</summary>
    private static bool MapRange(ulong start, ulong end, PageFlags flags)
    {
        ulong page = start;
        while (page < end)
        {
            MapStatus status;
            ulong size;
            if (page % PageTableEditor<FrameTableMemory>.LargePage == 0 && end - page >= PageTableEditor<FrameTableMemory>.LargePage
                && !OverlapsImage(page, PageTableEditor<FrameTableMemory>.LargePage))
            {
                size = PageTableEditor<FrameTableMemory>.LargePage;
                status = s_editor.Map(page, page, flags, size);
            }
            else
            {
                size = 4096;
                status = s_editor.Map(page, page, flags);
            }
            // A page already mapped belongs to the image (its permissions win).
            if (status != MapStatus.Ok && status != MapStatus.AlreadyMapped && status != MapStatus.HugePageInTheWay)
            {
                return false;
            }

            page += size;
        }
        return true;
    }

    private static bool OverlapsImage(ulong start, ulong length) =>
        start < KernelImage.End && start + length > KernelImage.Start;

    /// <summary>Maps a device's registers uncached, no-execute (identity).</summary>
    internal static bool MapDevice(ulong physicalAddress, ulong length)
    {
        for (ulong page = physicalAddress & ~4095UL; page < physicalAddress + length; page += 4096)
        {
            MapStatus status = s_editor.Map(page, page, PageFlags.Writable | PageFlags.NoExecute | PageFlags.CacheDisable);
            if (status != MapStatus.Ok && status != MapStatus.AlreadyMapped)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Names the kernel area an address falls in, for fault reports.</summary>
    internal static System.ReadOnlySpan<byte> AreaName(ulong address)
    {
        if (address < 4096)
        {
            return "null page"u8;
        }

        if (address >= KernelImage.BootStackBottom - 4096 && address < KernelImage.BootStackBottom)
        {
            return "boot stack guard page"u8;
        }

        if (address >= KernelImage.BootStackBottom && address < KernelImage.BootStackTop)
        {
            return "boot stack"u8;
        }

        if (KernelStacks.IsGuard(address))
        {
            return "kernel stack guard page"u8;
        }

        if (KernelStacks.Contains(address))
        {
            return "kernel stack"u8;
        }

        if (address >= KernelImage.Start && address < KernelImage.TextEnd)
        {
            return "kernel text"u8;
        }

        if (address >= KernelImage.TextEnd && address < KernelImage.DataStart)
        {
            return "kernel rodata"u8;
        }

        if (address >= KernelImage.DataStart && address < KernelImage.End)
        {
            return "kernel data"u8;
        }

        if (!PageTableEditor<FrameTableMemory>.IsCanonical(address))
        {
            return "non-canonical address"u8;
        }

        if (s_active && s_editor.Query(address, out _) == 0)
        {
            return "unmapped"u8;
        }

        return "direct map"u8;
    }
}
