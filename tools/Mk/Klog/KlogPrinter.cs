using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Mk.Klog;

/// <summary>What <c>./mk klog</c> shows: records at or above a level, from given sources,
/// from a time since boot on. Null or empty fields let everything through.</summary>
/// <param name="MinimumLevel">Least level shown.</param>
/// <param name="Sources">Sources shown (exact names).</param>
/// <param name="SinceNs">Earliest time since boot, in nanoseconds.</param>
public sealed record KlogFilter(uint? MinimumLevel, IReadOnlyCollection<string>? Sources, ulong? SinceNs)
{
    /// <summary>True if <paramref name="record"/> passes.</summary>
    public bool Accepts(KlogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (MinimumLevel is uint level && record.Level < level)
        {
            return false;
        }

        if (Sources is { Count: > 0 } && !System.Linq.Enumerable.Contains(Sources, record.Source))
        {
            return false;
        }

        if (SinceNs is ulong since && record.TimeNs < since)
        {
            return false;
        }

        return true;
    }
}

/// <summary>Prints decoded records through a filter, and a warning line whenever the
/// kernel's drop counter has gone up (whatever the filter), so lost records are never
/// silent.</summary>
public sealed class KlogPrinter
{
    private readonly TextWriter _output;
    private readonly KlogFilter _filter;
    private ulong _dropped;

    /// <summary>A printer writing to <paramref name="output"/>.</summary>
    public KlogPrinter(TextWriter output, KlogFilter filter)
    {
        _output = output;
        _filter = filter;
    }

    /// <summary>Records printed so far.</summary>
    public long Printed { get; private set; }

    /// <summary>Prints one record (if the filter accepts it), after a drop warning if due.</summary>
    public void Print(KlogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Dropped > _dropped)
        {
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: klog dropped {record.Dropped - _dropped} record(s) before seq {record.Sequence} ({record.Dropped} in all)"));
            _dropped = record.Dropped;
        }
        if (!_filter.Accepts(record))
        {
            return;
        }

        _output.WriteLine(record.Format());
        Printed++;
    }
}
