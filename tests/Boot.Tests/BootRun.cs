using System;
using System.Collections.Generic;

namespace Microkernel.BootTests;

/// <summary>What one finished QEMU run left behind: its serial lines, full transcript and
/// how it ended.</summary>
/// <param name="Config">How the image was booted.</param>
/// <param name="Lines">Every serial line, <c>\r</c> removed.</param>
/// <param name="Transcript">Command, serial lines, QEMU's stderr, how it ended and any harness error.</param>
/// <param name="ExitStatus">QEMU's exit status when it exited by itself; null when the test killed it.</param>
/// <param name="HarnessError">Why waiting failed (timeout, output ended early), or null.</param>
/// <param name="Elapsed">Wall time from start until the run was complete.</param>
public sealed record BootRun(
    BootConfig Config,
    IReadOnlyList<string> Lines,
    string Transcript,
    int? ExitStatus,
    string? HarnessError,
    TimeSpan Elapsed);
