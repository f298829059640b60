using Microkernel.Boot;

namespace Microkernel.Diagnostics;

/// <summary>Where the kernel's code and boot stack are, from the boot handoff.
/// Crash reports use it to tell return addresses from data.</summary>
internal static class KernelImage
{
    internal static ulong Start;
    internal static ulong End;
    internal static ulong TextStart;
    internal static ulong TextEnd;
    internal static ulong RodataStart;
    internal static ulong RodataEnd;
    internal static ulong DataStart;
    internal static ulong BootStackBottom;
    internal static ulong BootStackTop;
    internal static ulong EntryTsc;

    internal static void Record(in BootHandoff handoff)
    {
        Start = handoff.KernelStart;
        End = handoff.KernelEnd;
        TextStart = handoff.TextStart;
        TextEnd = handoff.TextEnd;
        RodataStart = handoff.RodataStart;
        RodataEnd = handoff.RodataEnd;
        DataStart = handoff.DataStart;
        BootStackBottom = handoff.BootStackBottom;
        BootStackTop = handoff.BootStackTop;
        EntryTsc = handoff.EntryTsc;
    }
}
