using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Microkernel.BootTests;

/// <summary>One TAP result line: <c>ok K - name</c> or <c>not ok K - name # why</c>.</summary>
/// <param name="Passed">True for <c>ok</c>.</param>
/// <param name="Number">K.</param>
/// <param name="Name">The case name, e.g. <c>mm/frame_alloc</c>.</param>
/// <param name="Line">The whole line as printed.</param>
public sealed record TapResult(bool Passed, int Number, string Name, string Line);

/// <summary>The TAP the test image prints: a plan line <c>1..N</c> and result lines.</summary>
public sealed partial class TapReport
{
    private TapReport(IReadOnlyList<int> plans, IReadOnlyList<TapResult> results)
    {
        Plans = plans;
        Results = results;
    }

    /// <summary>N of every <c>1..N</c> plan line, in order (one is expected).</summary>
    public IReadOnlyList<int> Plans { get; }

    /// <summary>Every <c>ok</c> / <c>not ok</c> line, in order.</summary>
    public IReadOnlyList<TapResult> Results { get; }

    /// <summary>Reads the plan and result lines out of a serial transcript; other lines
    /// (log lines, the ready line, <c># ...</c> comments) are ignored.</summary>
    public static TapReport Parse(IEnumerable<string> lines)
    {
        var plans = new List<int>();
        var results = new List<TapResult>();
        foreach (string line in lines)
        {
            Match plan = PlanLine().Match(line);
            if (plan.Success)
            {
                plans.Add(int.Parse(plan.Groups[1].Value, CultureInfo.InvariantCulture));
                continue;
            }

            Match result = ResultLine().Match(line);
            if (result.Success)
            {
                results.Add(new TapResult(
                    result.Groups["status"].Value == "ok",
                    int.Parse(result.Groups["number"].Value, CultureInfo.InvariantCulture),
                    result.Groups["name"].Value,
                    line));
            }
        }

        return new TapReport(plans, results);
    }

    [GeneratedRegex(@"^1\.\.(\d+)$")]
    private static partial Regex PlanLine();

    // The name runs to " # " (a failure's reason) or the end of the line.
    [GeneratedRegex(@"^(?<status>ok|not ok) (?<number>\d+)(?: - (?<name>.*?))?(?: # .*)?$")]
    private static partial Regex ResultLine();
}
