using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using FsCheck.Xunit;
using ImageProfile;
using Xunit;

namespace Tools.Tests;

/// <summary>ImageProfile's windowing, aggregation, per-iteration division and output.</summary>
public class ImageProfileAggregationTests
{
    private const ulong HandOff = 0x100100, Second = 0x100200, Label = 0x100400;
    private const ulong TryCall = ImageProfileAttributionTests.ServiceBase + 0x1000;
    private const ulong TryReceive = ImageProfileAttributionTests.ServiceBase + 0x1100;

    [Fact]
    public void Without_a_marker_every_instruction_counts()
    {
        var w = new TraceWindow();
        foreach (ulong pc in new ulong[] { 1, 2, 2, 3, 3, 3 })
        {
            w.Add(pc);
        }

        Assert.Equal(6, w.Instructions);
        Assert.Equal(new Dictionary<ulong, long> { [1] = 1, [2] = 2, [3] = 3 }, w.Counts);
        Assert.Equal(0, w.Iterations);
        Assert.Equal(0, w.LeftOutBefore);
        Assert.Equal(0, w.LeftOutAfter);
    }

    [Fact]
    public void A_marker_cuts_the_window_to_whole_iterations()
    {
        const ulong M = 0x10;
        var w = new TraceWindow(M);
        // 2 before | m a b | m a b | m a  (unfinished)
        foreach (ulong pc in new ulong[] { 7, 8, M, 1, 2, M, 1, 2, M, 1 })
        {
            w.Add(pc);
        }

        Assert.Equal(3, w.MarkerEntries);
        Assert.Equal(2, w.Iterations);
        Assert.Equal(6, w.Instructions);
        Assert.Equal(new Dictionary<ulong, long> { [M] = 2, [1] = 2, [2] = 2 }, w.Counts);
        Assert.Equal(2, w.LeftOutBefore);
        Assert.Equal(2, w.LeftOutAfter);
    }

    [Fact]
    public void A_marker_that_never_runs_leaves_everything_out_before()
    {
        var w = new TraceWindow(0x10);
        foreach (ulong pc in new ulong[] { 1, 2, 3 })
        {
            w.Add(pc);
        }

        Assert.Equal(0, w.Iterations);
        Assert.Equal(0, w.Instructions);
        Assert.Empty(w.Counts);
        Assert.Equal(3, w.LeftOutBefore);
        Assert.Equal(0, w.LeftOutAfter);
    }

    // Any trace over a few PCs: the window holds exactly what lies between the first and the
    // last marker entry, and nothing is lost or counted twice.
    [Property(MaxTest = 300)]
    public void The_window_is_the_slice_between_the_first_and_last_marker_entry(byte[] codes)
    {
        const ulong Marker = 0;
        ulong[] trace = (codes ?? Array.Empty<byte>()).Select(c => (ulong)(c % 5)).ToArray();
        var w = new TraceWindow(Marker);
        foreach (ulong pc in trace)
        {
            w.Add(pc);
        }

        int first = Array.IndexOf(trace, Marker), last = Array.LastIndexOf(trace, Marker);
        ulong[] inside = first < 0 ? Array.Empty<ulong>() : trace[first..last];
        var expected = inside.GroupBy(pc => pc).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected, w.Counts.ToDictionary(e => e.Key, e => e.Value));
        Assert.Equal(inside.Length, w.Instructions);
        Assert.Equal(trace.Count(pc => pc == Marker), w.MarkerEntries);
        Assert.Equal(Math.Max(0, w.MarkerEntries - 1), w.Iterations);
        Assert.Equal(trace.Length, w.Instructions + w.LeftOutBefore + w.LeftOutAfter);
    }

    private static FunctionProfile Profile(long iterations = 2) =>
        FunctionProfile.Build(new Dictionary<ulong, long>
        {
            [HandOff] = 4,          // entry of HandOff, executed 4 times
            [HandOff + 3] = 10,
            [Second + 1] = 6,       // inside second, never entered at its start
            [Label] = 2,
            [0x100000] = 2,         // kernel, no symbol
            [TryCall] = 2,
            [TryCall + 8] = 20,
            [TryReceive + 4] = 6,
            [0xdead_0000] = 3,      // no image
            [0xdead_0004] = 1,
        }, ImageProfileAttributionTests.Map(), iterations, "test");

    [Fact]
    public void Instructions_and_entries_are_summed_per_function()
    {
        FunctionProfile p = Profile();
        FunctionRow Row(string image, string raw) => Assert.Single(p.Functions, r => r.Image == image && r.RawSymbol == raw);

        Assert.Equal(new FunctionRow("echo-bench", "Service.EchoBench.Microkernel.Services.Contracts.EchoCall.TryCall",
                                     "Service_EchoBench_Microkernel_Services_Contracts_EchoCall__TryCall", 22, 2),
                     Row("echo-bench", "Service_EchoBench_Microkernel_Services_Contracts_EchoCall__TryCall"));
        Assert.Equal((14L, 4L), (Row("kernel", "Microkernel_Kernel_Sched__HandOff").Instructions, Row("kernel", "Microkernel_Kernel_Sched__HandOff").Calls));
        Assert.Equal("Microkernel.Kernel.Sched.HandOff", Row("kernel", "Microkernel_Kernel_Sched__HandOff").Symbol);
        Assert.Equal((6L, 0L), (Row("kernel", "second").Instructions, Row("kernel", "second").Calls));
        Assert.Equal("second", Row("kernel", "second").Symbol);     // not a NativeAOT name: printed raw
        Assert.Equal((2L, 2L), (Row("kernel", "asm_label").Instructions, Row("kernel", "asm_label").Calls));
        Assert.Equal(new FunctionRow("kernel", "?", "?", 2, 0), Row("kernel", "?"));
        Assert.Equal(new FunctionRow("?", "?", "?", 4, 0), Row("?", "?"));
        Assert.Equal(7, p.Functions.Count);
        Assert.Equal(56, p.Instructions);
        Assert.Equal(p.Instructions, p.Functions.Sum(r => r.Instructions));
    }

    [Fact]
    public void Images_are_totalled_and_everything_is_sorted_by_instructions()
    {
        FunctionProfile p = Profile();
        Assert.Equal(new[] { new ImageTotal("echo-bench", 28), new ImageTotal("kernel", 24), new ImageTotal("?", 4) }, p.Images);
        Assert.Equal(p.Functions.OrderByDescending(r => r.Instructions).Select(r => r.Instructions), p.Functions.Select(r => r.Instructions));
        Assert.Equal(22, p.Functions[0].Instructions);
        // ties (6 and 6): more calls first, then image name
        Assert.Equal(new[] { ("echo-bench", 6L), ("kernel", 6L) }, p.Functions.Where(r => r.Instructions == 6).Select(r => (r.Image, r.Instructions)));
    }

    [Fact]
    public void Per_iteration_figures_divide_by_the_iteration_count()
    {
        FunctionProfile p = Profile(iterations: 4);
        Assert.Equal(14.0, p.PerIteration(p.Instructions));
        Assert.Equal(5.5, p.PerIteration(p.Functions[0].Instructions));
        Assert.Throws<ArgumentOutOfRangeException>(() => Profile(iterations: 0));
    }

    [Fact]
    public void The_table_lists_rows_the_rest_and_the_totals()
    {
        string table = ProfileTable.Format(Profile(iterations: 2), top: 2);
        string[] lines = table.Split('\n');
        Assert.Equal("# 56 instructions in 2 iterations (test)", lines[0]);
        Assert.Matches(@"^\s+instr/iter\s+calls/iter\s+image\s+function$", lines[1]);
        Assert.Matches(@"^\s+11\.0\s+1\.00\s+echo-bench\s+Service\.EchoBench\.Microkernel\.Services\.Contracts\.EchoCall\.TryCall$", lines[2]);
        Assert.Matches(@"^\s+7\.0\s+2\.00\s+kernel\s+Microkernel\.Kernel\.Sched\.HandOff$", lines[3]);
        Assert.Matches(@"^\s+10\.0\s+\(5 more functions\)$", lines[4]);   // (56 - 22 - 14) / 2
        Assert.Contains("        14.0  echo-bench", table, StringComparison.Ordinal);
        Assert.Contains("        12.0  kernel", table, StringComparison.Ordinal);
        Assert.Contains("         2.0  ?", table, StringComparison.Ordinal);
        Assert.EndsWith("        28.0  total\n", table, StringComparison.Ordinal);

        string all = ProfileTable.Format(Profile());
        Assert.DoesNotContain("more function", all, StringComparison.Ordinal);
        Assert.Equal(7, all.Split('\n').Count(l => Regex(l)));

        static bool Regex(string l) => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\.\d\s+\d+\.\d\d\s");
    }

    [Fact]
    public void The_table_header_reports_how_the_window_was_cut()
    {
        var p = FunctionProfile.Build(new Dictionary<ulong, long> { [HandOff] = 3 }, ImageProfileAttributionTests.Map(), 1, "whole iterations",
                                                  new WindowStats(1000, 16, 2, 526, 16339));
        string header = ProfileTable.Format(p).Split('\n')[1];
        Assert.Equal("# trace: 1,000 instructions, 526 before the first iteration and 16,339 after the last left out; 16 logged but not run, 2 unparsed lines", header);
        Assert.StartsWith("# 3 instructions in 1 iteration (", ProfileTable.Format(p), StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_holds_every_function_and_image()
    {
        using var stream = new MemoryStream();
        ProfileJson.Write(Profile(iterations: 4), stream);
        using var doc = JsonDocument.Parse(stream.ToArray());
        JsonElement root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("iterations").GetInt64());
        Assert.Equal(56, root.GetProperty("instructions").GetInt64());
        Assert.Equal(14.0, root.GetProperty("instructions_per_iteration").GetDouble());
        Assert.Equal(3, root.GetProperty("images").GetArrayLength());
        JsonElement[] functions = root.GetProperty("functions").EnumerateArray().ToArray();
        Assert.Equal(7, functions.Length);
        Assert.Equal("Service_EchoBench_Microkernel_Services_Contracts_EchoCall__TryCall", functions[0].GetProperty("raw_symbol").GetString());
        Assert.Equal(5.5, functions[0].GetProperty("instructions_per_iteration").GetDouble());
        Assert.Equal(0.5, functions[0].GetProperty("calls_per_iteration").GetDouble());
        Assert.False(root.TryGetProperty("trace", out _));
    }

    private static string T(ulong pc) =>
        string.Create(CultureInfo.InvariantCulture, $"Trace 0: 0x7f0000001000 [0000000000000000/{pc:x16}/0040c0b3/ff020201] ");

    [Fact]
    public void Analysis_with_a_marker_divides_by_the_whole_iterations_it_counted()
    {
        // 1 stray instruction, then 3 iterations of TryCall -> HandOff x2 -> TryReceive, then an unfinished one.
        var lines = new List<string> { T(0x100000) };
        for (int i = 0; i < 4; i++)
        {
            lines.AddRange(new[] { T(TryCall), T(TryCall + 8), T(HandOff), T(HandOff + 3), T(HandOff), T(TryReceive + 4) });
        }

        lines.Add("garbage");
        var warnings = new List<string>();
        FunctionProfile p = ProfileAnalysis.Analyze(ImageProfileAttributionTests.Map(), new StringReader(string.Join('\n', lines)),
                                                    "EchoCall.TryCall", iterations: 272, warnings);
        Assert.Equal(3, p.Iterations);
        Assert.Equal(18, p.Instructions);
        Assert.Equal(6.0, p.PerIteration(p.Instructions));
        FunctionRow handOff = Assert.Single(p.Functions, r => r.RawSymbol == "Microkernel_Kernel_Sched__HandOff");
        Assert.Equal(3.0, p.PerIteration(handOff.Instructions));
        Assert.Equal(2.0, p.PerIteration(handOff.Calls));
        Assert.Equal(new WindowStats(25, 0, 1, 1, 6), p.Window);
        Assert.Contains("whole iterations between entries into EchoCall.TryCall", p.IterationSource, StringComparison.Ordinal);
        string warning = Assert.Single(warnings);
        Assert.Contains("1 trace line did not parse", warning, StringComparison.Ordinal);
        Assert.Contains("'garbage'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Analysis_without_a_marker_divides_the_whole_trace_by_the_given_count()
    {
        string trace = string.Join('\n', T(HandOff), T(HandOff + 3), T(TryCall), T(0xdead_0000));
        var warnings = new List<string>();
        FunctionProfile p = ProfileAnalysis.Analyze(ImageProfileAttributionTests.Map(), new StringReader(trace), null, 2, warnings);
        Assert.Equal(2, p.Iterations);
        Assert.Equal(2.0, p.PerIteration(p.Instructions));
        Assert.Equal(1, p.Images.Single(i => i.Image == "?").Instructions);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Analysis_of_a_trace_without_instructions_fails_clearly()
    {
        ProfileException e = Assert.Throws<ProfileException>(() => ProfileAnalysis.Analyze(ImageProfileAttributionTests.Map(),
            new StringReader("nothing\nuseful\n"), null, 1, new List<string>()));
        Assert.Contains("the trace holds no instructions (2 unparsed lines)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Analysis_needs_two_marker_entries(int entries)
    {
        IEnumerable<string> lines = Enumerable.Repeat(T(TryCall), entries).Append(T(HandOff));
        ProfileException e = Assert.Throws<ProfileException>(() => ProfileAnalysis.Analyze(ImageProfileAttributionTests.Map(),
            new StringReader(string.Join('\n', lines)), "TryCall", 1, new List<string>()));
        Assert.Contains($"was entered {entries} time", e.Message, StringComparison.Ordinal);
        Assert.Contains("at least two entries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analysis_with_an_unknown_marker_fails_before_reading()
    {
        ProfileException e = Assert.Throws<ProfileException>(() => ProfileAnalysis.Analyze(ImageProfileAttributionTests.Map(),
            new StringReader(T(HandOff)), "Nope.Missing", 1, new List<string>()));
        Assert.Contains("no function matches 'Nope.Missing'", e.Message, StringComparison.Ordinal);
    }
}
