using System;
using System.Collections.Generic;
using System.IO;

namespace ImageProfile;

/// <summary>What reading a trace found.</summary>
/// <param name="Instructions">Instructions passed on: exec-log lines minus those taken back.</param>
/// <param name="NotExecuted">Exec-log lines taken back by a <c>Stopped execution</c> line right after them.</param>
/// <param name="UnparsedLines">Non-blank lines that are neither, including a <c>Stopped execution</c> line
/// that does not follow an exec-log line of the same PC (counted, otherwise ignored).</param>
/// <param name="UnparsedSamples">The first few unparsed lines, for the warning.</param>
public sealed record TraceReadResult(long Instructions, long NotExecuted, long UnparsedLines, IReadOnlyList<string> UnparsedSamples);

/// <summary>
/// Feeds a QEMU exec log, line by line, into a <see cref="TraceWindow"/>. Each instruction is
/// held back for one line, so that a <c>Stopped execution ... [PC]</c> line right after it
/// (the block was left before its instruction ran) takes it back.
/// </summary>
public static class TraceReader
{
    /// <summary>How many unparsed lines are kept as samples.</summary>
    public const int SampleCount = 3;

    /// <summary>Reads every line of <paramref name="trace"/>; instructions go to <paramref name="window"/>, other lines are counted.</summary>
    public static TraceReadResult Read(TextReader trace, TraceWindow window)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(window);
        long instructions = 0, notExecuted = 0, unparsed = 0;
        var samples = new List<string>();
        ulong? held = null;
        string? line;
        while ((line = trace.ReadLine()) != null)
        {
            switch (TraceLineParser.Classify(line, out ulong pc))
            {
                case TraceLineKind.Instruction:
                    if (held is { } previous) { window.Add(previous); instructions++; }
                    held = pc;
                    break;
                case TraceLineKind.NotExecuted when held == pc:
                    held = null;
                    notExecuted++;
                    break;
                case TraceLineKind.NotExecuted or TraceLineKind.Unparsed:
                    unparsed++;
                    if (samples.Count < SampleCount)
                    {
                        samples.Add(line.Length > 160 ? line[..160] + "..." : line);
                    }

                    break;
            }
        }
        if (held is { } last) { window.Add(last); instructions++; }
        return new TraceReadResult(instructions, notExecuted, unparsed, samples);
    }
}
