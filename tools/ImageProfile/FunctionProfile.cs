using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageProfile;

/// <summary>One function's totals over the counted window.</summary>
/// <param name="Image">The image name (<c>kernel</c>, a service name, or <c>?</c> when no image covers the PCs).</param>
/// <param name="Symbol">The readable function name (<c>?</c> when no symbol covers the PCs).</param>
/// <param name="RawSymbol">The symbol exactly as in the ELF (<c>?</c> when none).</param>
/// <param name="Instructions">Instructions executed inside the function (self, not including callees).</param>
/// <param name="Calls">Executions of the function's first instruction.</param>
public sealed record FunctionRow(string Image, string Symbol, string RawSymbol, long Instructions, long Calls);

/// <summary>One image's instructions over the counted window.</summary>
/// <param name="Image">The image name, as in <see cref="FunctionRow.Image"/>.</param>
/// <param name="Instructions">Instructions executed inside the image.</param>
public sealed record ImageTotal(string Image, long Instructions);

/// <summary>How the counted window was cut from the trace, for the report's header.</summary>
/// <param name="TraceInstructions">Instructions in the whole trace.</param>
/// <param name="NotExecuted">Exec-log lines taken back because QEMU left the block before it ran.</param>
/// <param name="UnparsedLines">Trace lines that did not parse.</param>
/// <param name="LeftOutBefore">Instructions before the first marker entry (0 without a marker).</param>
/// <param name="LeftOutAfter">Instructions from the last marker entry on (0 without a marker).</param>
public sealed record WindowStats(long TraceInstructions, long NotExecuted, long UnparsedLines, long LeftOutBefore, long LeftOutAfter);

/// <summary>
/// The per-function profile: each PC's count attributed to its image and function, summed
/// per function (self instructions and calls) and per image, and divided by the number of
/// iterations the window holds.
/// </summary>
public sealed class FunctionProfile
{
    /// <summary>The image and function name used when a PC maps to nothing.</summary>
    public const string Unknown = "?";

    private FunctionProfile(IReadOnlyList<FunctionRow> functions, IReadOnlyList<ImageTotal> images,
                            long instructions, long iterations, string iterationSource, WindowStats? window)
    {
        Window = window;
        Functions = functions;
        Images = images;
        Instructions = instructions;
        Iterations = iterations;
        IterationSource = iterationSource;
    }

    /// <summary>Functions, most self instructions first (ties: more calls, then image and symbol in ordinal order).</summary>
    public IReadOnlyList<FunctionRow> Functions { get; }

    /// <summary>Images, most instructions first (ties: by name).</summary>
    public IReadOnlyList<ImageTotal> Images { get; }

    /// <summary>Instructions in the counted window.</summary>
    public long Instructions { get; }

    /// <summary>The divisor for the per-iteration figures (at least 1).</summary>
    public long Iterations { get; }

    /// <summary>Where <see cref="Iterations"/> came from, in words (printed in the header).</summary>
    public string IterationSource { get; }

    /// <summary>How the window was cut, when known.</summary>
    public WindowStats? Window { get; }

    /// <summary><paramref name="count"/> divided by <see cref="Iterations"/>.</summary>
    public double PerIteration(long count) => (double)count / Iterations;

    /// <summary>
    /// Attributes every PC of <paramref name="counts"/> through <paramref name="map"/> and sums per
    /// function and per image. A PC outside every image goes to image <c>?</c>, symbol <c>?</c>;
    /// a PC inside an image but under no symbol goes to that image, symbol <c>?</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is below 1.</exception>
    public static FunctionProfile Build(IReadOnlyDictionary<ulong, long> counts, AddressMap map, long iterations,
                                        string iterationSource, WindowStats? window = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(iterationSource);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);

        var functions = new Dictionary<(string Image, string Raw), (long Instructions, long Calls)>();
        var images = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        foreach (KeyValuePair<ulong, long> e in counts)
        {
            CodeLocation where = map.Resolve(e.Key);
            string image = where.Image?.Name ?? Unknown;
            string raw = where.Symbol?.Name ?? Unknown;
            (long ins, long calls) = functions.GetValueOrDefault((image, raw));
            functions[(image, raw)] = (ins + e.Value, calls + (where.IsEntry ? e.Value : 0));
            images[image] = images.GetValueOrDefault(image) + e.Value;
            total += e.Value;
        }
        var rows = functions
            .Select(f => new FunctionRow(f.Key.Image, f.Key.Raw == Unknown ? Unknown : AddressMap.DisplayName(f.Key.Raw),
                                         f.Key.Raw, f.Value.Instructions, f.Value.Calls))
            .OrderByDescending(r => r.Instructions)
            .ThenByDescending(r => r.Calls)
            .ThenBy(r => r.Image, StringComparer.Ordinal)
            .ThenBy(r => r.RawSymbol, StringComparer.Ordinal)
            .ToList();
        var imageRows = images
            .Select(i => new ImageTotal(i.Key, i.Value))
            .OrderByDescending(i => i.Instructions)
            .ThenBy(i => i.Image, StringComparer.Ordinal)
            .ToList();
        return new FunctionProfile(rows, imageRows, total, iterations, iterationSource, window);
    }
}
