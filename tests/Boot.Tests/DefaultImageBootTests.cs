using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microkernel.BootTests;

/// <summary>out/default.elf boots to its ready line on every machine type and RAM size it
/// supports, and the line's numbers fit the machine.</summary>
public sealed class DefaultImageBootTests
{
    private const long KiB = 1, MiB = 1024 * KiB, GiB = 1024 * MiB;

    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's per-test output, where failures print the transcript.</summary>
    public DefaultImageBootTests(ITestOutputHelper output) => _output = output;

    /// <summary>Machine, RAM and CPU count combinations the kernel must boot on.</summary>
    public static TheoryData<string, string, int> Machines => new()
    {
        { "pc", "32M", 1 },
        { "pc", "4G", 1 },
        { "q35", "32M", 1 },
        { "q35", "4G", 1 },
        { "microvm", "32M", 1 },
        { "microvm", "4G", 1 },
        { "q35", "32M", 2 },
    };

    [Theory]
    [MemberData(nameof(Machines))]
    public async Task Default_image_prints_one_well_formed_ready_line(string machine, string memory, int cpus)
    {
        BootRun run = await BootRuns.UntilReadyAsync(new BootConfig("default", machine, memory, cpus));

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Null(run.HarnessError);
            Assert.DoesNotContain(run.Lines, line => line.Contains("*** PANIC", StringComparison.Ordinal));
            string ready = Assert.Single(run.Lines, line => line.StartsWith("ready:", StringComparison.Ordinal));
            Assert.Matches(ReadyLine.Shape(), ready);

            ReadyLine summary = ReadyLine.TryParse(ready)!;
            // The default image (images/default.yaml) carries six services, each started by
            // the supervisor in its own address space before ready: store, klog and hostlink
            // keep running; the echo pair talks over a channel and ends, as does hello.
            Assert.Equal(6, summary.Services);
            foreach (string service in new[] { "supervisor", "store", "klog", "echo-client", "echo-server", "hello", "hostlink" })
            {
                Assert.Single(run.Lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\[info\] proc: service " + service + @" pid=\d+ base=0x[0-9a-f]{16}$"));
            }
            // Every line names its service as the source: hello, echo-* and hostlink log
            // through klog, which shows them; store and klog through the kernel.
            Assert.Single(run.Lines, line => line == "[info] hello: hello from a C# service in ring 3");
            Assert.Single(run.Lines, line => line == "[info] store: serving");
            Assert.Single(run.Lines, line => line == "[info] klog: serving");
            Assert.Single(run.Lines, line => line == "[info] hostlink: answering the host's store queries");
            Assert.Single(run.Lines, line => line == "[info] echo-client: 100 calls answered correctly");
            Assert.Single(run.Lines, line => line == "[info] echo-server: client gone, exiting");
            Assert.Single(run.Lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"service hello pid=\d+ exited with status 58$"));
            Assert.Single(run.Lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"service echo-client pid=\d+ exited with status 100$"));
            Assert.Single(run.Lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"service echo-server pid=\d+ exited with status 100$"));
            (long low, long high) = memory == "32M" ? (16 * MiB, 32 * MiB) : (3 * GiB + 512 * MiB, 4 * GiB);
            Assert.InRange(summary.FreeKib, low + 1, high - 1);
            Assert.InRange(summary.BootUs, 1, 4_999_999);
            // The processors the kernel found in the MADT: -smp N must show N (the SMP 2 case
            // proves the second CPU is seen, not only that the first one boots).
            string acpi = Assert.Single(run.Lines, line => line.StartsWith("[info] acpi: FADT", StringComparison.Ordinal));
            Assert.Matches(" CPUs " + cpus.ToString(System.Globalization.CultureInfo.InvariantCulture) + "( |$)", acpi);
        });
    }

    /// <summary>The PVH-only image (no multiboot header) on microvm: QEMU must take the
    /// PVH note, the kernel must parse hvm_start_info, and boot to ready.</summary>
    [Theory]
    [InlineData("32M")]
    [InlineData("4G")]
    public async Task Pvh_image_boots_through_the_pvh_entry_on_microvm(string memory)
    {
        BootRun run = await BootRuns.UntilReadyAsync(new BootConfig("default-pvh", "microvm", memory));

        _output.CheckWithTranscript(run, () =>
        {
            Assert.Null(run.HarnessError);
            Assert.Single(run.Lines, line => line.Contains("boot: PVH boot info at", StringComparison.Ordinal));
            string ready = Assert.Single(run.Lines, line => line.StartsWith("ready:", StringComparison.Ordinal));
            Assert.Matches(ReadyLine.Shape(), ready);
        });
    }

    [Fact]
    public async Task Multiboot_image_on_pc_enters_through_multiboot()
    {
        BootRun run = await BootRuns.UntilReadyAsync(new BootConfig("default", "pc", "32M"));
        _output.CheckWithTranscript(run, () =>
            Assert.Single(run.Lines, line => line.Contains("boot: multiboot1 boot info at", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Default_image_prints_only_log_lines_before_ready()
    {
        BootRun run = await BootRuns.UntilReadyAsync(new BootConfig("default", "pc", "32M"));

        _output.CheckWithTranscript(run, () =>
        {
            int ready = run.Lines.ToList().FindIndex(line => line.StartsWith("ready:", StringComparison.Ordinal));
            Assert.True(ready > 0, "the ready line comes after at least one log line");
            Assert.All(run.Lines.Take(ready), line => Assert.Matches(@"^\[(info|warn|error|debug)\] [a-z0-9_-]+: \S", line));
        });
    }
}
