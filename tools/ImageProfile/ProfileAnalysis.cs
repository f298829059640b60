using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ImageProfile;

/// <summary>
/// The analysis after the run, with no QEMU in sight: read the trace into a
/// <see cref="TraceWindow"/> (cut at the marker function's entries when there is one),
/// then attribute and sum through the <see cref="AddressMap"/>.
/// </summary>
public static class ProfileAnalysis
{
    /// <summary>
    /// Profiles <paramref name="trace"/>. With <paramref name="per"/> (<c>[IMAGE:]FUNCTION</c>),
    /// only whole iterations between the function's entries are counted and their number is
    /// the divisor; otherwise the whole trace is counted and divided by <paramref name="iterations"/>.
    /// Unparsed trace lines become one warning in <paramref name="warnings"/>.
    /// </summary>
    /// <exception cref="ProfileException">The marker function is missing or ambiguous, was entered fewer
    /// than two times, or the window holds no instructions.</exception>
    public static FunctionProfile Analyze(AddressMap map, TextReader trace, string? per, long iterations, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(warnings);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ulong? marker = per is null ? null : map.FindFunction(per);
        var window = new TraceWindow(marker);
        TraceReadResult read = TraceReader.Read(trace, window);
        if (read.UnparsedLines > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{read.UnparsedLines} trace line{(read.UnparsedLines == 1 ? "" : "s")} did not parse (skipped), e.g. ") +
                string.Join(" | ", read.UnparsedSamples.Select(s => $"'{s}'")));
        }

        if (read.Instructions == 0)
        {
            throw new ProfileException(string.Create(CultureInfo.InvariantCulture,
                $"the trace holds no instructions ({read.UnparsedLines} unparsed lines); was tracing switched on?"));
        }

        string source;
        if (per is not null)
        {
            if (window.MarkerEntries < 2)
            {
                throw new ProfileException(string.Create(CultureInfo.InvariantCulture,
                    $"the marker function '{per}' (0x{marker:x}) was entered {window.MarkerEntries} time{(window.MarkerEntries == 1 ? "" : "s")} " +
                    $"in the traced window; at least two entries are needed to cut whole iterations"));
            }

            iterations = window.Iterations;
            source = $"whole iterations between entries into {per}";
        }
        else
        {
            source = string.Create(CultureInfo.InvariantCulture, $"the whole window divided by --iterations {iterations}");
        }
        return FunctionProfile.Build(window.Counts, map, iterations, source,
            new WindowStats(read.Instructions, read.NotExecuted, read.UnparsedLines, window.LeftOutBefore, window.LeftOutAfter));
    }
}
