using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ImageProfile;

/// <summary>
/// The profile as a text table: a header saying what was counted, one row per function
/// (instructions per iteration, calls per iteration, image, readable function name), a
/// line summing the rows left out by <c>--top</c>, then the totals per image and overall.
/// </summary>
public static class ProfileTable
{
    /// <summary>Formats <paramref name="profile"/>; <paramref name="top"/> limits the function rows (null: all).</summary>
    public static string Format(FunctionProfile profile, int? top = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (top is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(top), "top must not be negative");
        }

        CultureInfo inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();

        sb.Append(inv, $"# {profile.Instructions:N0} instructions in {profile.Iterations:N0} iteration{(profile.Iterations == 1 ? "" : "s")} ({profile.IterationSource})\n");
        if (profile.Window is { } w)
        {
            sb.Append(inv, $"# trace: {w.TraceInstructions:N0} instructions");
            if (w.LeftOutBefore != 0 || w.LeftOutAfter != 0)
            {
                sb.Append(inv, $", {w.LeftOutBefore:N0} before the first iteration and {w.LeftOutAfter:N0} after the last left out");
            }

            sb.Append(inv, $"; {w.NotExecuted:N0} logged but not run, {w.UnparsedLines:N0} unparsed line{(w.UnparsedLines == 1 ? "" : "s")}\n");
        }

        var shown = profile.Functions.Take(top ?? int.MaxValue).ToList();
        int imageWidth = Math.Max("image".Length, shown.Count == 0 ? 0 : shown.Max(r => r.Image.Length));
        sb.Append(inv, $"{"instr/iter",12}  {"calls/iter",10}  {"image".PadRight(imageWidth)}  function\n");
        foreach (FunctionRow r in shown)
        {
            sb.Append(inv, $"{profile.PerIteration(r.Instructions),12:F1}  {profile.PerIteration(r.Calls),10:F2}  {r.Image.PadRight(imageWidth)}  {r.Symbol}\n");
        }

        int rest = profile.Functions.Count - shown.Count;
        if (rest > 0)
        {
            long restInstructions = profile.Functions.Skip(shown.Count).Sum(r => r.Instructions);
            sb.Append(inv, $"{profile.PerIteration(restInstructions),12:F1}  {"",10}  ({rest} more function{(rest == 1 ? "" : "s")})\n");
        }

        sb.Append('\n');
        sb.Append(inv, $"{"instr/iter",12}  image\n");
        foreach (ImageTotal i in profile.Images)
        {
            sb.Append(inv, $"{profile.PerIteration(i.Instructions),12:F1}  {i.Image}\n");
        }

        sb.Append(inv, $"{profile.PerIteration(profile.Instructions),12:F1}  total\n");
        return sb.ToString();
    }
}
