using Microkernel.Memory.Paging;

namespace Microkernel.Memory;

/// <summary>Kernel stacks with an unmapped guard page below each, so an overflow
/// faults (on the double-fault IST stack) instead of corrupting what lies below.</summary>
/// <remarks>Stacks live in the direct map: a stack is a run of frames whose lowest
/// frame's mapping is removed. The guard frame is never freed or reused.</remarks>
internal static unsafe class KernelStacks
{
    private const int MaxStacks = 64;

    [System.Runtime.CompilerServices.InlineArray(MaxStacks)]
    private struct Ranges { private ulong _element; }

    private static Ranges s_guards;   // guard page address of each stack
    private static Ranges s_tops;     // top (exclusive) of each stack
    private static int s_count;

    /// <summary>A stack of <paramref name="pages"/> usable pages; returns its top
    /// (16-byte aligned), or 0 when memory or the table of stacks is exhausted.</summary>
    internal static ulong Allocate(int pages)
    {
        if (s_count == MaxStacks || !KernelPageTables.Active)
        {
            return 0;
        }

        if (!PhysicalMemory.TryAllocateContiguous(FramePurpose.KernelStack, (ulong)pages + 1, 1, out ulong guard))
        {
            return 0;
        }
        // The direct map may cover the guard with a 2 MiB page: split it first.
        if (KernelPageTables.Editor.SplitLargePage(guard) != MapStatus.Ok ||
            KernelPageTables.Editor.Unmap(guard, out _) != MapStatus.Ok)
        {
            for (int i = 0; i <= pages; i++)
            {
                PhysicalMemory.Free(FramePurpose.KernelStack, guard + (ulong)i * 4096);
            }

            return 0;
        }
        Tlb.FlushAll(); // the split changed a 2 MiB translation, not just one page
        ulong top = guard + 4096 + (ulong)pages * 4096;
        new System.Span<byte>((void*)(guard + 4096), pages * 4096).Clear();
        s_guards[s_count] = guard;
        s_tops[s_count] = top;
        s_count++;
        return top;
    }

    internal static bool IsGuard(ulong address)
    {
        for (int i = 0; i < s_count; i++)
        {
            if (address >= s_guards[i] && address < s_guards[i] + 4096)
            {
                return true;
            }
        }

        return false;
    }

    internal static bool Contains(ulong address)
    {
        for (int i = 0; i < s_count; i++)
        {
            if (address >= s_guards[i] + 4096 && address < s_tops[i])
            {
                return true;
            }
        }

        return false;
    }
}
