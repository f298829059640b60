using System.Collections.Generic;

namespace CrashSymbolizer;

/// <summary>One stack frame line of a crash report (<c>#N 0x...</c>).</summary>
/// <param name="Index">The frame number N as printed by the kernel.</param>
/// <param name="Address">The code address: rip for frame 0, a return address for the others.</param>
public readonly record struct StackFrame(int Index, ulong Address);

/// <summary>
/// What <see cref="CrashReportParser"/> understood of one <c>*** PANIC</c> ...
/// <c>*** END PANIC</c> block. Everything except <see cref="Reason"/> may be missing.
/// </summary>
public sealed class CrashReport
{
    /// <summary>The free text after <c>*** PANIC:</c>.</summary>
    public string Reason { get; init; } = "";

    /// <summary>
    /// Every <c>key=value</c> pair seen on the report's lines (rip, rsp, cr2, cpu, vector, ...),
    /// keys lower-cased. A value of <c>none</c> is stored as null.
    /// </summary>
    public Dictionary<string, ulong?> Values { get; } = new();

    /// <summary>Stack frames in the order printed.</summary>
    public List<StackFrame> Frames { get; } = new();

    /// <summary>True when the report ended without <c>*** END PANIC</c> (end of input, a new panic, or too long).</summary>
    public bool Truncated { get; set; }

    /// <summary>The faulting (or panic call site) instruction pointer, when printed.</summary>
    public ulong? Rip => Values.TryGetValue("rip", out ulong? v) ? v : null;

    /// <summary>True when the report names a CPU exception vector (not <c>vector=none</c>).</summary>
    public bool IsCpuException => Values.TryGetValue("vector", out ulong? v) && v is not null;
}
