using System;

namespace Microkernel.Init;

/// <summary>The stage of boot an inittab entry belongs to. Boot runs the levels in
/// this order; shutdown undoes them in the reverse of what actually ran.</summary>
public enum InitLevel : byte
{
    /// <summary>Before anything else that registers: console-level facilities.</summary>
    Early = 0,

    /// <summary>Platform devices and firmware: ACPI, interrupt controllers, timers.</summary>
    Platform = 1,

    /// <summary>Kernel libraries other parts build on: IPC, the log, channels.</summary>
    Library = 2,

    /// <summary>The root filesystem and its caches.</summary>
    RootFilesystem = 3,

    /// <summary>System services: the supervisor and what it starts.</summary>
    System = 4,

    /// <summary>Last: the ready line, anything that wants everything else up.</summary>
    Late = 5,
}

/// <summary>Names and checks for <see cref="InitLevel"/>.</summary>
public static class InitLevels
{
    /// <summary>Number of levels; valid levels are 0 .. Count - 1.</summary>
    public const int Count = 6;

    /// <summary>True for the six defined levels (an enum can hold any byte).</summary>
    public static bool IsValid(InitLevel level) => (byte)level < Count;

    /// <summary>Lower-case name for log lines such as <c>init platform/acpi ok</c>.</summary>
    public static ReadOnlySpan<byte> Name(InitLevel level) => level switch
    {
        InitLevel.Early => "early"u8,
        InitLevel.Platform => "platform"u8,
        InitLevel.Library => "library"u8,
        InitLevel.RootFilesystem => "rootfs"u8,
        InitLevel.System => "system"u8,
        InitLevel.Late => "late"u8,
        _ => "invalid"u8,
    };
}
