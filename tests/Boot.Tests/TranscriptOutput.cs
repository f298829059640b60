using System;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>Shows a run's full transcript in the test output when its assertions fail.</summary>
public static class TranscriptOutput
{
    /// <summary>Runs <paramref name="assertions"/>; if they throw, writes the transcript of
    /// <paramref name="run"/> (and <paramref name="extra"/>, e.g. symbolizer output) to
    /// <paramref name="output"/> and rethrows.</summary>
    public static void CheckWithTranscript(this ITestOutputHelper output, BootRun run, Action assertions, string? extra = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(assertions);
        try
        {
            assertions();
        }
        catch
        {
            output.WriteLine($"--- transcript of {run.Config} ({run.Elapsed.TotalSeconds:0.0} s)");
            output.WriteLine(run.Transcript);
            output.WriteLine("--- end transcript");
            if (extra is not null)
            {
                output.WriteLine(extra);
            }

            throw;
        }
    }
}
