using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CrashSymbolizer;

/// <summary>
/// Incremental, lenient parser for kernel crash reports in a serial log. Feed it every
/// line; it recognises <c>*** PANIC:</c> (anywhere on a line, so a log prefix is fine),
/// collects <c>key=0x...</c> pairs in any order and <c>#N 0x...</c> stack frames, and
/// completes the report at <c>*** END PANIC</c>. Lines it does not understand are ignored.
/// A report that is interrupted by another <c>*** PANIC:</c>, runs longer than
/// <see cref="MaxReportLines"/> lines, or is open at end of input is completed as
/// <see cref="CrashReport.Truncated"/>.
/// </summary>
public sealed partial class CrashReportParser
{
    /// <summary>Marker that opens a report.</summary>
    public const string StartMarker = "*** PANIC:";

    /// <summary>Marker that closes a report.</summary>
    public const string EndMarker = "*** END PANIC";

    /// <summary>A report still open after this many lines is closed as truncated.</summary>
    public const int MaxReportLines = 512;

    private CrashReport? _current;
    private int _lines;

    /// <summary>True while between a start marker and its end.</summary>
    public bool InReport => _current is not null;

    /// <summary>True when <paramref name="line"/> opens a report.</summary>
    public static bool IsStart(string line) => line.Contains(StartMarker, StringComparison.Ordinal);

    /// <summary>True when <paramref name="line"/> closes a report.</summary>
    public static bool IsEnd(string line) => line.Contains(EndMarker, StringComparison.Ordinal);

    /// <summary>
    /// Closes the open report as truncated and returns it (null when none is open). Call it
    /// before feeding a line for which <see cref="IsStart"/> is true while
    /// <see cref="InReport"/>, so the unfinished report is emitted ahead of the new one.
    /// </summary>
    public CrashReport? Abort()
    {
        CrashReport? r = _current;
        if (r is not null)
        {
            r.Truncated = true;
        }

        _current = null;
        return r;
    }

    /// <summary>
    /// Consumes one line. Returns the completed report when this line ends one (normally
    /// at <c>*** END PANIC</c>), otherwise null.
    /// </summary>
    public CrashReport? Feed(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (IsStart(line))
        {
            CrashReport? interrupted = Abort();
            int at = line.IndexOf(StartMarker, StringComparison.Ordinal);
            _current = new CrashReport { Reason = line[(at + StartMarker.Length)..].Trim() };
            _lines = 0;
            return interrupted;
        }
        if (_current is null)
        {
            return null;
        }

        if (IsEnd(line))
        {
            CrashReport done = _current;
            _current = null;
            return done;
        }
        if (++_lines >= MaxReportLines)
        {
            return Abort();
        }

        Match frame = FrameRegex().Match(line);
        if (frame.Success)
        {
            if (int.TryParse(frame.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int index) &&
                TryParseNumber(frame.Groups[2].Value, out ulong addr))
            {
                _current.Frames.Add(new StackFrame(index, addr));
            }

            return null;
        }
        foreach (Match m in PairRegex().Matches(line))
        {
            string key = m.Groups[1].Value.ToLowerInvariant();
            string value = m.Groups[2].Value;
            if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                _current.Values[key] = null;
            }
            else if (TryParseNumber(value, out ulong v))
            {
                _current.Values[key] = v;
            }
        }
        return null;
    }

    /// <summary>Completes and returns the open report at end of input (truncated), or null.</summary>
    public CrashReport? Finish() => Abort();

    /// <summary>Parses every report in <paramref name="lines"/> (convenience for tests and batch use).</summary>
    public static System.Collections.Generic.List<CrashReport> ParseAll(System.Collections.Generic.IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var parser = new CrashReportParser();
        var result = new System.Collections.Generic.List<CrashReport>();
        foreach (string line in lines)
        {
            CrashReport? r = parser.Feed(line);
            if (r is not null)
            {
                result.Add(r);
            }
        }
        CrashReport? last = parser.Finish();
        if (last is not null)
        {
            result.Add(last);
        }

        return result;
    }

    private static bool TryParseNumber(string s, out ulong value)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex(@"^\s*#(\d+)\s+(0[xX][0-9A-Fa-f]{1,16})\b")]
    private static partial Regex FrameRegex();

    [GeneratedRegex(@"\b([A-Za-z][A-Za-z0-9_]*)=(0[xX][0-9A-Fa-f]{1,16}|\d{1,20}|none)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PairRegex();
}
