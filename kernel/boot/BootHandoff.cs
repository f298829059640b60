using System.Runtime.InteropServices;

namespace Microkernel.Boot;

/// <summary>What boot/entry.asm hands to kmain. The layout mirrors the assembly's
/// <c>handoff</c> record field for field; change both together.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BootHandoff
{
    /// <summary>1 = multiboot1, 2 = PVH.</summary>
    internal uint Protocol;
    /// <summary>0x2BADB002 from a multiboot loader, 0x336ec578 for PVH.</summary>
    internal uint LoaderMagic;
    /// <summary>Physical address of multiboot_info or hvm_start_info.</summary>
    internal ulong InfoAddress;
    /// <summary>TSC at the kernel's first instruction.</summary>
    internal ulong EntryTsc;
    internal ulong ModulesStart;
    internal ulong ModulesEnd;
    internal ulong KernelStart;
    internal ulong KernelEnd;
    internal ulong BootStackBottom;
    internal ulong BootStackTop;
    internal ulong TextStart;
    internal ulong TextEnd;
    internal ulong RodataStart;
    internal ulong RodataEnd;
    /// <summary>Data, bss and the boot stack run from here to <see cref="KernelEnd"/>.</summary>
    internal ulong DataStart;
    /// <summary>CPUID 0x80000001 EDX as read in 32-bit mode.</summary>
    internal uint ExtendedFeaturesEdx;
    private uint _padding;

    internal const uint ProtocolMultiboot1 = 1;
    internal const uint ProtocolPvh = 2;
    internal const uint Multiboot1LoaderMagic = 0x2BADB002;
    internal const uint PvhMagic = 0x336ec578;
}
