using System.Runtime.CompilerServices;

namespace Microkernel.Boot;

/// <summary>A module (initial server image, ramdisk) the loader placed in memory.</summary>
public readonly struct BootModule
{
    /// <summary>Physical address of the first byte.</summary>
    public readonly ulong Start;

    /// <summary>Physical address one past the last byte.</summary>
    public readonly ulong End;

    /// <summary>Physical address of the module's command line, 0 if none.</summary>
    public readonly ulong CommandLineAddress;

    /// <summary>Length of the module's command line in bytes, without the NUL.</summary>
    public readonly ulong CommandLineLength;

    /// <summary>Creates a module descriptor.</summary>
    public BootModule(ulong start, ulong end, ulong commandLineAddress, ulong commandLineLength)
    {
        Start = start;
        End = end;
        CommandLineAddress = commandLineAddress;
        CommandLineLength = commandLineLength;
    }

    /// <summary>Size of the module in bytes.</summary>
    public ulong Length => End - Start;
}

/// <summary>Fixed inline storage for <see cref="BootInfo.MaxModules"/> modules, so
/// <see cref="BootInfo"/> needs no heap.</summary>
[InlineArray(BootInfo.MaxModules)]
public struct BootModuleTable
{
    private BootModule _element0;
}

/// <summary>Fixed inline storage for <see cref="BootInfo.MaxMemoryRegions"/> regions, so
/// <see cref="BootInfo"/> needs no heap.</summary>
[InlineArray(BootInfo.MaxMemoryRegions)]
public struct MemoryRegionTable
{
    private MemoryRegion _element0;
}
