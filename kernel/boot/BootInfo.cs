using System;

namespace Microkernel.Boot;

/// <summary>
/// Everything the kernel needs from the boot loader, copied out of the loader's
/// structures into one fixed-size value (no heap, no pointers into loader memory except
/// the physical addresses of command lines and modules). Filled by
/// <see cref="Multiboot1Parser"/> or <see cref="PvhStartInfoParser"/>.
/// </summary>
public struct BootInfo
{
    /// <summary>Modules beyond this many are dropped (and counted).</summary>
    public const int MaxModules = 16;

    /// <summary>Raw memory map entries beyond this many are dropped (and counted).</summary>
    public const int MaxMemoryRegions = 128;

    /// <summary>Longest command line accepted, in bytes without the NUL; bounds the scan.</summary>
    public const ulong MaxCommandLineLength = 4096;

    /// <summary>Which protocol produced this information.</summary>
    public BootProtocol Protocol { readonly get; internal set; }

    /// <summary>Physical address of the loader's info structure (for reserving it).</summary>
    public ulong InfoAddress { readonly get; internal set; }

    /// <summary>Size of the loader's info structure in bytes.</summary>
    public ulong InfoLength { readonly get; internal set; }

    /// <summary>Physical address of the loader's memory map table, 0 if none.</summary>
    public ulong MemoryMapAddress { readonly get; internal set; }

    /// <summary>Size of the loader's memory map table in bytes.</summary>
    public ulong MemoryMapLength { readonly get; internal set; }

    /// <summary>Physical address of the loader's module list, 0 if none.</summary>
    public ulong ModuleListAddress { readonly get; internal set; }

    /// <summary>Size of the loader's module list in bytes.</summary>
    public ulong ModuleListLength { readonly get; internal set; }

    /// <summary>Physical address of the kernel command line, 0 if none.</summary>
    public ulong CommandLineAddress { readonly get; internal set; }

    /// <summary>Length of the kernel command line in bytes, without the NUL.</summary>
    public ulong CommandLineLength { readonly get; internal set; }

    /// <summary>Physical address of the ACPI RSDP if the loader reported it (PVH), else 0.</summary>
    public ulong RsdpAddress { readonly get; internal set; }

    /// <summary>Number of valid entries in the module table.</summary>
    public int ModuleCount { readonly get; internal set; }

    /// <summary>Modules the loader reported that did not fit in the table.</summary>
    public ulong DroppedModules { readonly get; internal set; }

    /// <summary>Number of valid entries in the raw memory map.</summary>
    public int MemoryRegionCount { readonly get; internal set; }

    /// <summary>Memory map entries the loader reported that did not fit in the table.</summary>
    public ulong DroppedRegions { readonly get; internal set; }

    internal BootModuleTable Modules;
    internal MemoryRegionTable Regions;

    /// <summary>Returns module <paramref name="index"/> (0 &lt;= index &lt; <see cref="ModuleCount"/>),
    /// or an empty module for an index out of range.</summary>
    public readonly BootModule GetModule(int index)
    {
        return (uint)index < (uint)ModuleCount ? Modules[index] : default;
    }

    /// <summary>Returns raw memory map entry <paramref name="index"/>, in loader order
    /// (0 &lt;= index &lt; <see cref="MemoryRegionCount"/>), or an empty region out of range.</summary>
    public readonly MemoryRegion GetMemoryRegion(int index)
    {
        return (uint)index < (uint)MemoryRegionCount ? Regions[index] : default;
    }

    /// <summary>
    /// Copies the raw memory map into <paramref name="destination"/> (typically the start
    /// of the <see cref="MemoryMapBuilder"/> input buffer). Returns the number of regions
    /// copied, or -1 (copying nothing) if the destination is too small.
    /// </summary>
    public readonly int CopyMemoryMap(Span<MemoryRegion> destination)
    {
        if (destination.Length < MemoryRegionCount)
        {
            return -1;
        }

        for (int i = 0; i < MemoryRegionCount; i++)
        {
            destination[i] = Regions[i];
        }

        return MemoryRegionCount;
    }

    /// <summary>
    /// Copies the kernel command line (without NUL) into <paramref name="destination"/>.
    /// Returns the byte count, or -1 if the destination is too small or memory unreadable.
    /// </summary>
    public readonly int CopyCommandLine<TReader>(ref TReader memory, Span<byte> destination)
        where TReader : struct, IPhysicalMemoryReader
    {
        return BootInfoStrings.Copy(ref memory, CommandLineAddress, CommandLineLength, destination);
    }

    /// <summary>
    /// Copies the command line of module <paramref name="index"/> into
    /// <paramref name="destination"/>. Returns the byte count, or -1 on a bad index, a too
    /// small destination or unreadable memory.
    /// </summary>
    public readonly int CopyModuleCommandLine<TReader>(ref TReader memory, int index, Span<byte> destination)
        where TReader : struct, IPhysicalMemoryReader
    {
        if ((uint)index >= (uint)ModuleCount)
        {
            return -1;
        }

        BootModule module = Modules[index];
        return BootInfoStrings.Copy(ref memory, module.CommandLineAddress, module.CommandLineLength, destination);
    }

    /// <summary>
    /// Writes the ranges the kernel must not allocate before it has consumed them, as
    /// <see cref="MemoryKind.BootData"/> regions for <see cref="MemoryMapBuilder"/>: the
    /// info structure, memory map table, module list, command lines (with their NUL) and
    /// module contents. Empty ranges are skipped. Returns the count, or -1 if
    /// <paramref name="destination"/> is too small (at most <see cref="MaxBootReservations"/>
    /// entries are ever needed).
    /// </summary>
    public readonly int CollectBootReservations(Span<MemoryRegion> destination)
    {
        int count = 0;
        bool fits = Add(destination, ref count, InfoAddress, InfoLength)
            && Add(destination, ref count, MemoryMapAddress, MemoryMapLength)
            && Add(destination, ref count, ModuleListAddress, ModuleListLength)
            && AddString(destination, ref count, CommandLineAddress, CommandLineLength);
        for (int i = 0; fits && i < ModuleCount; i++)
        {
            BootModule module = Modules[i];
            fits = Add(destination, ref count, module.Start, module.Length)
                && AddString(destination, ref count, module.CommandLineAddress, module.CommandLineLength);
        }

        return fits ? count : -1;
    }

    /// <summary>Upper bound on what <see cref="CollectBootReservations"/> writes.</summary>
    public const int MaxBootReservations = 4 + (2 * MaxModules);

    private static bool AddString(Span<MemoryRegion> destination, ref int count, ulong address, ulong length)
    {
        // A present string always occupies at least its NUL terminator.
        return address == 0 || Add(destination, ref count, address, length + 1);
    }

    private static bool Add(Span<MemoryRegion> destination, ref int count, ulong address, ulong length)
    {
        if (length == 0)
        {
            return true;
        }

        if (count >= destination.Length)
        {
            return false;
        }

        destination[count++] = new MemoryRegion(address, length, MemoryKind.BootData);
        return true;
    }

    internal void AddRegion(ulong baseAddress, ulong length, MemoryKind kind, ref BootParseStatus status)
    {
        if (length == 0)
        {
            return; // empty entries carry no information; skipping them keeps the table for real ones
        }

        if (length > ulong.MaxValue - baseAddress)
        {
            length = ulong.MaxValue - baseAddress; // keep End representable; see MemoryRegion.End
        }

        if (MemoryRegionCount >= MaxMemoryRegions)
        {
            DroppedRegions++;
            status = BootParseStatusRules.Combine(status, BootParseStatus.TooManyRegions);
            return;
        }

        Regions[MemoryRegionCount++] = new MemoryRegion(baseAddress, length, kind);
    }

    internal void AddModule(in BootModule module)
    {
        Modules[ModuleCount++] = module;
    }
}
