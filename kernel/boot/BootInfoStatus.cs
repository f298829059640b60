namespace Microkernel.Boot;

/// <summary>Which boot protocol handed control to the kernel.</summary>
public enum BootProtocol : byte
{
    /// <summary>No protocol parsed yet (a default <see cref="BootInfo"/>).</summary>
    None = 0,

    /// <summary>Multiboot 0.6.96 (QEMU <c>-kernel</c> on pc/q35, GRUB).</summary>
    Multiboot1 = 1,

    /// <summary>Xen PVH <c>hvm_start_info</c> (QEMU microvm, Firecracker, Xen).</summary>
    Pvh = 2,
}

/// <summary>
/// Outcome of parsing the loader's boot information. Some values are warnings: the
/// <see cref="BootInfo"/> is complete enough to boot (see <see cref="BootParseStatusRules.IsFatal"/>).
/// When several problems occur the first fatal one is reported, else the first warning.
/// </summary>
public enum BootParseStatus : byte
{
    /// <summary>Everything parsed.</summary>
    Ok = 0,

    /// <summary>Fatal: the magic number does not belong to this protocol.</summary>
    BadMagic,

    /// <summary>Fatal: the info structure itself is outside readable memory.</summary>
    UnreadableInfo,

    /// <summary>Fatal: the loader gave no memory map at all.</summary>
    NoMemoryMap,

    /// <summary>Fatal: the memory map pointer or an entry is outside readable memory.</summary>
    UnreadableMemoryMap,

    /// <summary>Fatal: a memory map or module entry is structurally invalid (entry size too
    /// small, entry truncated by the table length, module ending before it starts); the map
    /// stops there and cannot be trusted to be complete.</summary>
    MalformedEntry,

    /// <summary>Fatal: the module list is outside readable memory.</summary>
    UnreadableModules,

    /// <summary>Warning: more memory regions than <see cref="BootInfo.MaxMemoryRegions"/>;
    /// the extra ones were dropped (counted in <see cref="BootInfo.DroppedRegions"/>).
    /// Dropping only loses memory the kernel could have used, never frees reserved memory.</summary>
    TooManyRegions,

    /// <summary>Warning: more modules than <see cref="BootInfo.MaxModules"/>; the extra
    /// ones were dropped (counted in <see cref="BootInfo.DroppedModules"/>).</summary>
    TooManyModules,

    /// <summary>Warning: multiboot gave only <c>mem_lower</c>/<c>mem_upper</c>; the map
    /// holds the two conservative regions they describe.</summary>
    MemoryMapFromBasicInfo,

    /// <summary>Warning: a command line (kernel or module) was unreadable or longer than
    /// <see cref="BootInfo.MaxCommandLineLength"/>; it is reported as empty.</summary>
    UnreadableCommandLine,
}

/// <summary>Severity rules for <see cref="BootParseStatus"/>.</summary>
public static class BootParseStatusRules
{
    /// <summary>True when the boot information must not be trusted to boot from.</summary>
    public static bool IsFatal(BootParseStatus status)
    {
        return status != BootParseStatus.Ok
            && status != BootParseStatus.TooManyRegions
            && status != BootParseStatus.TooManyModules
            && status != BootParseStatus.MemoryMapFromBasicInfo
            && status != BootParseStatus.UnreadableCommandLine;
    }

    /// <summary>
    /// Folds a newly found problem into the status so far: a fatal status is never
    /// downgraded, a warning never hides a later fatal one, the first of each kind wins.
    /// </summary>
    public static BootParseStatus Combine(BootParseStatus current, BootParseStatus next)
    {
        if (next == BootParseStatus.Ok || IsFatal(current))
        {
            return current;
        }

        if (current == BootParseStatus.Ok || IsFatal(next))
        {
            return next;
        }

        return current;
    }
}
