using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Microkernel.BootTests;

/// <summary>One kernel crash report: the lines from <c>*** PANIC: reason</c> through
/// <c>*** END PANIC</c> (see tools/CrashSymbolizer/README.md for the format).</summary>
public sealed partial class PanicReport
{
    /// <summary>The marker that opens a report; it may follow a prefix on its line.</summary>
    public const string Start = "*** PANIC:";

    /// <summary>The line that closes a report.</summary>
    public const string End = "*** END PANIC";

    private PanicReport(IReadOnlyList<string> lines) => Lines = lines;

    /// <summary>Every line of the report, both markers included.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The <c>*** PANIC: ...</c> line.</summary>
    public string FirstLine => Lines[0];

    /// <summary>Every complete report in <paramref name="transcript"/>, in order. A report
    /// interrupted by another <c>*** PANIC:</c> or by the end of output is not returned.</summary>
    public static IReadOnlyList<PanicReport> FindAll(IReadOnlyList<string> transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var reports = new List<PanicReport>();
        List<string>? current = null;
        foreach (string line in transcript)
        {
            if (line.Contains(Start, StringComparison.Ordinal))
            {
                current = new List<string> { line };
            }
            else if (current is not null)
            {
                current.Add(line);
                if (line == End)
                {
                    reports.Add(new PanicReport(current));
                    current = null;
                }
            }
        }

        return reports;
    }

    /// <summary>The raw text of <c>key=value</c> on any report line, or null when absent.</summary>
    public string? RawValue(string key)
    {
        foreach (string line in Lines)
        {
            foreach (Match pair in Pair().Matches(line))
            {
                if (pair.Groups["key"].Value == key)
                {
                    return pair.Groups["value"].Value;
                }
            }
        }

        return null;
    }

    /// <summary>Parses a value printed as <c>0x</c> and exactly 16 hex digits; null otherwise.</summary>
    public static ulong? ParseHex64(string? text)
    {
        if (text is null || !Hex64().IsMatch(text))
        {
            return null;
        }

        return ulong.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?<key>[a-z][a-z0-9]*)=(?<value>\S+)")]
    private static partial Regex Pair();

    [GeneratedRegex(@"^0x[0-9a-fA-F]{16}$")]
    private static partial Regex Hex64();
}
