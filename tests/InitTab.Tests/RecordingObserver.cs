using System;
using System.Collections.Generic;
using System.Text;
using Microkernel.Init;

namespace Microkernel.Tests;

/// <summary>Writes every callback as a line ("start platform/acpi", "ok ...", "failed ... 5",
/// "skipped ... DependencyFailed acpi", "term-start ...", "term ... 0") into the same log
/// the slot functions write to, so the order between callbacks and calls is checked too.</summary>
public struct RecordingObserver : IInitTabObserver
{
    private readonly List<string> _log;

    public RecordingObserver(List<string> log) => _log = log;

    public static string Id(InitLevel level, ReadOnlySpan<byte> name) =>
        Encoding.ASCII.GetString(InitLevels.Name(level)) + "/" + Encoding.ASCII.GetString(name);

    public void InitStarting(InitLevel level, ReadOnlySpan<byte> name) => _log.Add("start " + Id(level, name));

    public void InitSucceeded(InitLevel level, ReadOnlySpan<byte> name) => _log.Add("ok " + Id(level, name));

    public void InitFailed(InitLevel level, ReadOnlySpan<byte> name, int code) => _log.Add("failed " + Id(level, name) + " " + code);

    public void InitSkipped(InitLevel level, ReadOnlySpan<byte> name, InitSkipReason reason, ReadOnlySpan<byte> dependency) =>
        _log.Add("skipped " + Id(level, name) + " " + reason + " " + Encoding.ASCII.GetString(dependency));

    public void TermStarting(InitLevel level, ReadOnlySpan<byte> name) => _log.Add("term-start " + Id(level, name));

    public void TermFinished(InitLevel level, ReadOnlySpan<byte> name, int code) => _log.Add("term " + Id(level, name) + " " + code);
}
