using System;
using System.IO;

namespace CrashSymbolizer;

/// <summary>
/// The line filter: copies every input line to the output unchanged (flushing after each,
/// so it works live behind <c>qemu ... |</c>), and after each crash report's
/// <c>*** END PANIC</c> line writes the symbolized block. A report cut short by another
/// panic gets its block just before the new <c>*** PANIC:</c> line; one open at end of
/// input gets its block at the end.
/// </summary>
public sealed class SerialLogFilter
{
    private readonly ReportSymbolizer _symbolizer;

    /// <summary>Creates a filter that symbolizes with <paramref name="symbolizer"/>.</summary>
    public SerialLogFilter(ReportSymbolizer symbolizer) =>
        _symbolizer = symbolizer ?? throw new ArgumentNullException(nameof(symbolizer));

    /// <summary>Number of reports symbolized so far.</summary>
    public int ReportCount { get; private set; }

    /// <summary>Filters <paramref name="input"/> to <paramref name="output"/> until end of input.</summary>
    public void Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var parser = new CrashReportParser();
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (parser.InReport && CrashReportParser.IsStart(line))
            {
                Emit(parser.Abort(), output);
            }

            output.WriteLine(line);
            Emit(parser.Feed(line), output);
            output.Flush();
        }
        Emit(parser.Finish(), output);
        output.Flush();
    }

    private void Emit(CrashReport? report, TextWriter output)
    {
        if (report is null)
        {
            return;
        }

        ReportCount++;
        try
        {
            foreach (string l in _symbolizer.Symbolize(report))
            {
                output.WriteLine(l);
            }
        }
#pragma warning disable CA1031 // a bug in symbolization must not stop the log from flowing
        catch (Exception e)
#pragma warning restore CA1031
        {
            output.WriteLine($"--- symbolization failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
