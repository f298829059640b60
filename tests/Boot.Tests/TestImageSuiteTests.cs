using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>out/test.elf runs the in-image suite, reports it as TAP and ends QEMU with
/// status 1 when every case passed.</summary>
public sealed partial class TestImageSuiteTests
{
    /// <summary>The suite boots once on pc with 32M; these tests share that run.</summary>
    private static readonly BootConfig s_onPc = new("test", "pc", "32M");

    /// <summary>Folders of the kernel a case name may start with.</summary>
    private static readonly string[] s_rooms =
    {
        "arch", "boot", "console", "diag", "init", "ipc", "mm", "power", "proc", "runtime", "sched", "sync",
    };

    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's per-test output, where failures print the transcript.</summary>
    public TestImageSuiteTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Test_image_exits_by_itself_with_status_1_after_its_plan()
    {
        BootRun run = await BootRuns.UntilExitAsync(s_onPc);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Null(run.HarnessError);
            // QEMU itself exits 1 when it cannot load the kernel; a plan proves the suite ran.
            Assert.Single(TapReport.Parse(run.Lines).Plans);
            Assert.True(run.ExitStatus == 1, $"QEMU exit status {Describe(run.ExitStatus)}, expected 1 (all passed); failing cases:\n"
                + string.Join('\n', TapReport.Parse(run.Lines).Results.Where(r => !r.Passed).Select(r => r.Line)));
        });
    }

    [Fact]
    public async Task Tap_plan_is_printed_once_and_counts_the_results()
    {
        BootRun run = await BootRuns.UntilExitAsync(s_onPc);
        var tap = TapReport.Parse(run.Lines);

        _output.CheckWithTranscript(run, () =>
        {
            int plan = Assert.Single(tap.Plans);
            Assert.Equal(plan, tap.Results.Count);
            Assert.Equal(Enumerable.Range(1, plan), tap.Results.Select(r => r.Number));
        });
    }

    [Fact]
    public async Task Every_in_image_case_passes()
    {
        BootRun run = await BootRuns.UntilExitAsync(s_onPc);
        var tap = TapReport.Parse(run.Lines);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.NotEmpty(tap.Results);
            var failed = tap.Results.Where(r => !r.Passed).Select(r => r.Line).ToList();
            Assert.True(failed.Count == 0, $"{failed.Count} case(s) failed:\n{string.Join('\n', failed)}");
        });
    }

    /// <summary>
    /// The plan and the results name exactly the cases kernel/tests registers
    /// (<c>TestRegistry.Add("room/case", ...)</c> in its sources), so a case that is dropped
    /// from the image, or never reached, fails here instead of shrinking the suite unseen.
    /// </summary>
    [Fact]
    public async Task Suite_runs_exactly_the_registered_cases()
    {
        string[] registered = RegisteredCases();
        BootRun run = await BootRuns.UntilExitAsync(s_onPc);
        var tap = TapReport.Parse(run.Lines);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.True(registered.Length > 0, "no TestRegistry.Add(\"room/case\", ...) found under kernel/tests");
            int plan = Assert.Single(tap.Plans);
            Assert.Equal(registered.Length, plan);
            Assert.Equal(registered.Order(StringComparer.Ordinal), tap.Results.Select(r => r.Name).Order(StringComparer.Ordinal));
        });
    }

    /// <summary>Every case name registered in kernel/tests/*.cs.</summary>
    private static string[] RegisteredCases() =>
        System.IO.Directory.GetFiles(System.IO.Path.Combine(RepoPaths.Root, "kernel", "tests"), "*.cs")
            .SelectMany(file => RegisteredCase().Matches(System.IO.File.ReadAllText(file)))
            .Select(match => match.Groups["name"].Value)
            .ToArray();

    [Fact]
    public async Task Case_names_are_unique_and_read_room_slash_case()
    {
        BootRun run = await BootRuns.UntilExitAsync(s_onPc);
        var tap = TapReport.Parse(run.Lines);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.NotEmpty(tap.Results);
            Assert.All(tap.Results, result =>
            {
                Match name = CaseName().Match(result.Name);
                Assert.True(name.Success, $"'{result.Name}' is not room/case (lower-case words joined by - or _): {result.Line}");
                Assert.Contains(name.Groups["room"].Value, s_rooms);
            });
            var duplicates = tap.Results.GroupBy(r => r.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.Empty(duplicates);
        });
    }

    /// <summary>Other machines and memory sizes the whole suite must pass on.</summary>
    public static TheoryData<string, string> OtherMachines => new()
    {
        { "microvm", "32M" },
        { "q35", "4G" },
    };

    [Theory]
    [MemberData(nameof(OtherMachines))]
    public async Task Test_image_passes_every_case_on_other_machines(string machine, string memory)
    {
        BootRun run = await BootRuns.UntilExitAsync(new BootConfig("test", machine, memory));
        var tap = TapReport.Parse(run.Lines);

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Null(run.HarnessError);
            int plan = Assert.Single(tap.Plans);
            Assert.Equal(plan, tap.Results.Count);
            Assert.All(tap.Results, result => Assert.True(result.Passed, result.Line));
            Assert.Equal(1, run.ExitStatus);
        });
    }

    private static string Describe(int? exitStatus) => exitStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none (killed)";

    [GeneratedRegex(@"^(?<room>[a-z]+)/[a-z0-9]+(?:[-_][a-z0-9]+)*$")]
    private static partial Regex CaseName();

    [GeneratedRegex(@"TestRegistry\.Add\(""(?<name>[^""]+)""")]
    private static partial Regex RegisteredCase();
}
