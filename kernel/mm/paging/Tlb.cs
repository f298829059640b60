using Microkernel.Arch;

namespace Microkernel.Memory.Paging;

/// <summary>The one place translations are invalidated. SMP shootdown (telling the
/// other CPUs) is added here and nowhere else.</summary>
internal static class Tlb
{
    /// <summary>Number of single-page invalidations (for the store, later).</summary>
    internal static ulong PageInvalidations;

    /// <summary>Drops the translation of one page on this CPU.</summary>
    internal static void Invalidate(ulong virtualAddress)
    {
        PageInvalidations++;
        Cpu.InvalidatePage(virtualAddress);
    }

    /// <summary>Drops every non-global translation on this CPU (CR3 reload).</summary>
    internal static void FlushAll() => Cpu.WriteCr3(Cpu.ReadCr3());
}
