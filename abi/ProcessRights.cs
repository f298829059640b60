namespace Microkernel.Abi;

/// <summary>Privileges beyond channels, granted per service by its manifest
/// (<c>rights:</c>) through process_set_rights. The supervisor has them all.</summary>
[System.Flags]
public enum ProcessRights : ulong
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>May read the kernel's log records (klog).</summary>
    LogRead = 1,
    /// <summary>May write to the log export port (klog).</summary>
    LogExport = 2,
    /// <summary>May power off or reboot the system.</summary>
    Power = 4,
    /// <summary>May read what the host sends on the export port (hostlink).</summary>
    HostLink = 8,
    /// <summary>May write lines straight to the console (klog, mirroring service records).</summary>
    Console = 16,
    /// <summary>Every right.</summary>
    All = LogRead | LogExport | Power | HostLink | Console,
}
