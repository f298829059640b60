using System;
using System.Globalization;

namespace ImageProfile;

/// <summary>What one line of QEMU's debug log turned out to be.</summary>
public enum TraceLineKind
{
    /// <summary>Empty or whitespace only; ignored.</summary>
    Blank,

    /// <summary>An exec-log line; the guest PC was read.</summary>
    Instruction,

    /// <summary>
    /// <c>Stopped execution of TB chain before HOSTPTR [PC]</c>: the block logged just before
    /// was left before its instruction ran (the icount budget ran out or an interrupt was due);
    /// it is logged again when it does run.
    /// </summary>
    NotExecuted,

    /// <summary>Anything else: not an exec-log line, or one whose fields do not parse.</summary>
    Unparsed,
}

/// <summary>
/// Reads QEMU's <c>-d exec</c> log lines (QEMU 7.2 format):
/// <c>Trace 0: 0x7fee1c8a33c0 [0000000000000000/000000000012245d/0040c2b0/ff020201] symbol</c>.
/// The bracket holds cs_base, the guest PC, the TB flags and cflags; the PC is the second
/// field. Under <c>-singlestep</c> every translation block is one guest instruction, so
/// each such line is one executed instruction, unless QEMU follows it with
/// <c>Stopped execution of TB chain before 0x7fee1c8a33c0 [000000000012245d]</c>, which says
/// that block was left before it ran.
/// </summary>
public static class TraceLineParser
{
    /// <summary>Classifies <paramref name="line"/> and, for an exec-log line, returns its guest PC.</summary>
    public static TraceLineKind Classify(ReadOnlySpan<char> line, out ulong pc)
    {
        pc = 0;
        if (line.IsWhiteSpace())
        {
            return TraceLineKind.Blank;
        }

        if (TryParsePc(line, out pc))
        {
            return TraceLineKind.Instruction;
        }

        if (TryParseNotExecuted(line, out pc))
        {
            return TraceLineKind.NotExecuted;
        }

        return TraceLineKind.Unparsed;
    }

    /// <summary>
    /// True when <paramref name="line"/> is <c>Stopped execution of TB chain before HOSTPTR [PC]</c>;
    /// <paramref name="pc"/> is then the guest PC of the block that did not run.
    /// </summary>
    public static bool TryParseNotExecuted(ReadOnlySpan<char> line, out ulong pc)
    {
        pc = 0;
        const string Prefix = "Stopped execution of TB chain before ";
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = line[Prefix.Length..];
        int open = rest.IndexOf('[');
        if (open < 0)
        {
            return false;
        }

        rest = rest[(open + 1)..];
        int close = rest.IndexOf(']');
        if (close <= 0 || close > 16 || !IsHex(rest[..close]))
        {
            return false;
        }

        return ulong.TryParse(rest[..close], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out pc);
    }

    /// <summary>
    /// True when <paramref name="line"/> is an exec-log line: <c>Trace N: HOSTPTR [CSBASE/PC/FLAGS/CFLAGS]</c>
    /// with hexadecimal fields; <paramref name="pc"/> is then the second bracketed field.
    /// </summary>
    public static bool TryParsePc(ReadOnlySpan<char> line, out ulong pc)
    {
        pc = 0;
        if (!line.StartsWith("Trace ", StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = line["Trace ".Length..];
        int colon = rest.IndexOf(':');
        if (colon <= 0 || !IsDecimal(rest[..colon]))
        {
            return false; // CPU index
        }

        int open = rest.IndexOf('[');
        if (open < 0)
        {
            return false;
        }

        rest = rest[(open + 1)..];
        int close = rest.IndexOf(']');
        if (close < 0)
        {
            return false;
        }

        ReadOnlySpan<char> fields = rest[..close];

        int slash = fields.IndexOf('/');
        if (slash <= 0 || !IsHex(fields[..slash]))
        {
            return false;     // cs_base
        }

        fields = fields[(slash + 1)..];
        slash = fields.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> pcField = fields[..slash];
        if (pcField.Length > 16 || !IsHex(pcField))
        {
            return false;
        }

        fields = fields[(slash + 1)..];
        slash = fields.IndexOf('/');
        if (slash <= 0 || !IsHex(fields[..slash]) || !IsHex(fields[(slash + 1)..]))
        {
            return false; // flags, cflags
        }

        return ulong.TryParse(pcField, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out pc);
    }

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDecimal(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
