using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using ImageProfile;
using Xunit;

namespace Tools.Tests;

/// <summary>
/// ImageProfile's command line, the tool run on a kept trace, and its QEMU edge driven
/// against a stand-in: a shell script in QEMU's place and a monitor socket served by the test.
/// </summary>
public sealed class ImageProfileCommandTests : IDisposable
{
    private const ulong SvcBase = 0x80_0000_0000;
    private readonly string _dir = Directory.CreateTempSubdirectory("imageprofile-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Defaults_profile_the_kernel_bench()
    {
        var o = ProfileOptions.Parse(Array.Empty<string>());
        Assert.Equal("out/test.elf", o.Image);
        Assert.Equal(Path.Combine(Path.GetFullPath("out"), "services"), o.ServicesDirectory);
        Assert.Equal("bench=kernel", o.Append);
        Assert.Matches(o.From, "[info] echo-bench: bench: null_syscall_ticks=85");
        Assert.Matches(o.To, "[info] echo-bench: bench: call_reply_ticks=4001");
        Assert.Equal(272, o.Iterations);
        Assert.Null(o.Per);
        Assert.Null(o.Top);
        Assert.Equal(TimeSpan.FromSeconds(300), o.Timeout);
        Assert.Equal("qemu-system-x86_64", o.Qemu);
    }

    [Fact]
    public void Options_take_a_separate_or_an_inline_value()
    {
        var o = ProfileOptions.Parse(new[]
        {
            "--image", "/x/y/k.elf", "--per=echo-bench:EchoCall.TryCall", "--top", "15", "--json=p.json",
            "--from", "start=", "--to=end=", "--timeout", "20", "--qemu", "/opt/qemu", "--append", "", "-v",
        });
        Assert.Equal("/x/y/k.elf", o.Image);
        Assert.Equal("/x/y/services", o.ServicesDirectory);
        Assert.Equal("echo-bench:EchoCall.TryCall", o.Per);
        Assert.Equal(15, o.Top);
        Assert.Equal("p.json", o.Json);
        Assert.Equal("start=", o.From.ToString());
        Assert.Equal("end=", o.To.ToString());
        Assert.Equal(TimeSpan.FromSeconds(20), o.Timeout);
        Assert.Equal("/opt/qemu", o.Qemu);
        Assert.Equal("", o.Append);
        Assert.True(o.Verbose);
    }

    [Theory]
    [InlineData("unknown argument '--frobnicate'", "--frobnicate")]
    [InlineData("--top needs a positive whole number, not '0'", "--top", "0")]
    [InlineData("--iterations needs a positive whole number, not '-3'", "--iterations", "-3")]
    [InlineData("--timeout needs a positive whole number, not 'soon'", "--timeout", "soon")]
    [InlineData("--json needs a value", "--json")]
    [InlineData("--per needs a value", "--per=")]
    [InlineData("--iterations and --per both set the iteration count", "--iterations", "3", "--per", "TryCall")]
    [InlineData("--trace and --serial go together", "--trace", "t.log")]
    [InlineData("--keep applies to a QEMU run", "--trace", "t.log", "--serial", "s.log", "--keep", "d")]
    [InlineData("--from: '(' is not a valid regular expression", "--from", "(")]
    public void Bad_command_lines_are_usage_errors(string message, params string[] args)
    {
        UsageException e = Assert.Throws<UsageException>(() => ProfileOptions.Parse(args));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_the_usage_and_help_exits_0()
    {
        (int code, string? stdout, string? stderr) = await Run("--top", "none");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("ImageProfile: error: --top needs a positive whole number", stderr, StringComparison.Ordinal);
        Assert.Contains("usage: ImageProfile", stderr, StringComparison.Ordinal);

        (code, stdout, _) = await Run("--help");
        Assert.Equal(0, code);
        Assert.StartsWith("usage: ImageProfile", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_kernel_image_exits_2_before_anything_runs()
    {
        (int code, string? stdout, string? stderr) = await Run("--image", Path.Combine(_dir, "none.elf"), "--qemu", "/nonexistent/qemu");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"ImageProfile: error: kernel image: ELF file '{Path.Combine(_dir, "none.elf")}' not found", stderr.TrimEnd());
    }

    [Fact]
    public async Task A_missing_qemu_is_one_clear_error()
    {
        (int code, string _, string? stderr) = await Run("--image", GccFixture.Get("dwarf5").ElfPath, "--qemu", "/nonexistent/qemu-system-x86_64");
        Assert.Equal(1, code);
        Assert.StartsWith("ImageProfile: error: cannot start QEMU '/nonexistent/qemu-system-x86_64'", stderr, StringComparison.Ordinal);
        Assert.Contains("--qemu PATH", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_kept_trace_is_profiled_across_the_kernel_and_a_service()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        PieFixture pie = ProfileFixtures.Pie();
        string serial = Path.Combine(_dir, "serial.log"), trace = Path.Combine(_dir, "trace.log"), json = Path.Combine(_dir, "p.json");
        File.WriteAllLines(serial, new[] { "[info] boot: microkernel starting", $"[info] proc: service svc pid=2 base=0x{SvcBase:x16}" });
        File.WriteAllText(trace, SyntheticTrace(fx, pie, iterations: 3));

        (int code, string? stdout, string? stderr) = await Run("--image", fx.ElfPath, "--services", Path.GetDirectoryName(pie.ElfPath)!,
                                               "--trace", trace, "--serial", serial, "--per", "caller", "--json", json);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Assert.StartsWith("# 15 instructions in 3 iterations (whole iterations between entries into caller)", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+2\.0\s+1\.00\s+svc\s+second_unit_function\n", stdout);
        Assert.Matches(@"\n\s+2\.0\s+1\.00\s+kernel\s+caller\n", stdout);
        Assert.Matches(@"\n\s+1\.0\s+0\.00\s+\?\s+\?\n", stdout);
        Assert.EndsWith("         5.0  total\n", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(trace)); // a kept trace is the user's; only the tool's own temporary files are deleted

        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.Equal(3, doc.RootElement.GetProperty("iterations").GetInt64());
        Assert.Equal(2, doc.RootElement.GetProperty("trace").GetProperty("left_out_after").GetInt64());
    }

    [Fact]
    public async Task A_missing_kept_trace_is_an_error()
    {
        string serial = Path.Combine(_dir, "serial.log");
        File.WriteAllText(serial, "");
        (int code, string _, string? stderr) = await Run("--image", GccFixture.Get("dwarf5").ElfPath, "--trace", Path.Combine(_dir, "absent.log"), "--serial", serial);
        Assert.Equal(1, code);
        Assert.Contains("trace '", stderr, StringComparison.Ordinal);
        Assert.Contains("absent.log' not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Qemu_runs_single_step_tcg_with_icount_and_a_monitor_socket()
    {
        var request = new QemuTraceRequest("qemu", "k.elf", "bench=kernel", new("a"), new("b"), "/t/trace.log", "/t/mon.sock", TimeSpan.FromSeconds(5));
        string args = string.Join(' ', QemuTracer.Arguments(request));
        Assert.Contains("-kernel k.elf -append bench=kernel", args, StringComparison.Ordinal);
        Assert.Contains("-accel tcg -icount shift=0 -singlestep", args, StringComparison.Ordinal);
        Assert.Contains("-monitor unix:/t/mon.sock,server=on,wait=off", args, StringComparison.Ordinal);
        Assert.Contains("-serial stdio", args, StringComparison.Ordinal);
        Assert.EndsWith("-D /t/trace.log", args, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)", "7.2.22", "-accel tcg -icount shift=0 -singlestep")]
    [InlineData("QEMU emulator version 8.0.5", "8.0.5", "-accel tcg -icount shift=0 -singlestep")]
    [InlineData("QEMU emulator version 8.1.0\nCopyright (c) 2003-2023", "8.1.0", "-accel tcg,one-insn-per-tb=on -icount shift=0")]
    [InlineData("QEMU emulator version 9.2", "9.2.0", "-accel tcg,one-insn-per-tb=on -icount shift=0")]
    public void Single_stepping_is_asked_for_the_way_the_installed_qemu_understands(string versionOutput, string version, string expected)
    {
        Version? parsed = QemuTracer.ParseVersion(versionOutput);
        Assert.Equal(Version.Parse(version), parsed);
        var request = new QemuTraceRequest("qemu", "k.elf", "bench=kernel", new("a"), new("b"), "/t/trace.log", "/t/mon.sock", TimeSpan.FromSeconds(5));
        string args = string.Join(' ', QemuTracer.Arguments(request, parsed));
        Assert.Contains(expected, args, StringComparison.Ordinal);
        Assert.Equal(args.Contains("-singlestep", StringComparison.Ordinal), parsed < new Version(8, 1));
    }

    [Fact]
    public void An_unrecognised_version_line_gives_no_version_and_the_old_switch()
    {
        Assert.Null(QemuTracer.ParseVersion("qemu-system-x86_64: unknown option"));
        Assert.Contains("-singlestep", QemuTracer.SingleStepTcg(null));
    }

    [Fact]
    public void A_qemu_that_cannot_be_run_has_no_version()
    {
        Assert.Null(QemuTracer.ProbeVersion(Path.Combine(_dir, "no-such-qemu"), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task The_monitor_switches_tracing_on_and_off_at_the_marker_lines_and_quits()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        PieFixture pie = ProfileFixtures.Pie();
        string keep = Path.Combine(_dir, "keep");
        string qemu = FakeQemu($"""
            echo "[info] proc: service svc pid=2 base=0x{SvcBase:x16}"
            echo "[info] svc: bench: null_syscall_ticks=85"
            wait_for "$trace.on"
            echo "[info] svc: bench: call_reply_ticks=4001"
            wait_for "$trace.quit"
            exit 0
            """);
        using var monitor = new FakeMonitor(Path.Combine(keep, "monitor.sock"), Path.Combine(keep, "trace.log"), SyntheticTrace(fx, pie, iterations: 2));

        (int code, string? stdout, string? stderr) = await Run("--image", fx.ElfPath, "--services", Path.GetDirectoryName(pie.ElfPath)!,
                                               "--qemu", qemu, "--keep", keep, "--per", "caller", "--timeout", "60");
        Assert.True(code == 0, stderr);
        Assert.Equal(new[] { "log exec,nochain", "log none", "quit" }, await monitor.Commands());
        Assert.StartsWith("# 10 instructions in 2 iterations", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+2\.0\s+1\.00\s+svc\s+second_unit_function\n", stdout);
        Assert.Contains("call_reply_ticks=4001", File.ReadAllText(Path.Combine(keep, "serial.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_from_marker_that_never_appears_is_named_with_qemus_exit_status()
    {
        string keep = Path.Combine(_dir, "keep");
        string qemu = FakeQemu("""
            echo "booting"
            echo "something else" >&2
            exit 4
            """);
        using var monitor = new FakeMonitor(Path.Combine(keep, "monitor.sock"), Path.Combine(keep, "trace.log"), "");
        (int code, string? stdout, string? stderr) = await Run("--image", GccFixture.Get("dwarf5").ElfPath, "--qemu", qemu, "--keep", keep);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith("ImageProfile: error: the --from marker /null_syscall_ticks=/ never appeared on the serial console before QEMU exited with status 4",
                          stderr, StringComparison.Ordinal);
        Assert.Contains("last console line: 'booting'", stderr, StringComparison.Ordinal);
        Assert.Empty(await monitor.Commands());
    }

    [Fact]
    public async Task A_to_marker_that_never_appears_is_named()
    {
        string keep = Path.Combine(_dir, "keep");
        string qemu = FakeQemu("""
            echo "bench: start_here=1"
            wait_for "$trace.on"
            echo "the end"
            exit 0
            """);
        using var monitor = new FakeMonitor(Path.Combine(keep, "monitor.sock"), Path.Combine(keep, "trace.log"), "");
        (int code, string _, string? stderr) = await Run("--image", GccFixture.Get("dwarf5").ElfPath, "--qemu", qemu, "--keep", keep,
                                          "--from", "start_here=", "--to", "stop_here=");
        Assert.Equal(1, code);
        Assert.StartsWith("ImageProfile: error: the --to marker /stop_here=/ never appeared on the serial console before QEMU exited with status 0",
                          stderr, StringComparison.Ordinal);
        Assert.Equal(new[] { "log exec,nochain" }, await monitor.Commands());
    }

    [Fact]
    public async Task A_run_that_hangs_is_killed_at_the_timeout()
    {
        string keep = Path.Combine(_dir, "keep");
        string qemu = FakeQemu("""
            echo "waiting forever"
            sleep 60
            """);
        using var monitor = new FakeMonitor(Path.Combine(keep, "monitor.sock"), Path.Combine(keep, "trace.log"), "");
        var clock = Stopwatch.StartNew();
        (int code, string _, string? stderr) = await Run("--image", GccFixture.Get("dwarf5").ElfPath, "--qemu", qemu, "--keep", keep, "--timeout", "2");
        Assert.Equal(1, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("the --from marker /null_syscall_ticks=/ never appeared on the serial console within 2 s (QEMU killed)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_monitor_command_is_reported()
    {
        string keep = Path.Combine(_dir, "keep");
        string qemu = FakeQemu("""
            echo "null_syscall_ticks=1"
            sleep 60
            """);
        using var monitor = new FakeMonitor(Path.Combine(keep, "monitor.sock"), Path.Combine(keep, "trace.log"), "",
                                            reply: "Invalid log items: exec,nochain");
        (int code, string _, string? stderr) = await Run("--image", GccFixture.Get("dwarf5").ElfPath, "--qemu", qemu, "--keep", keep, "--timeout", "60");
        Assert.Equal(1, code);
        Assert.Contains("QEMU's monitor rejected 'log exec,nochain': Invalid log items: exec,nochain", stderr, StringComparison.Ordinal);
    }

    // Per iteration: caller (2 instructions, entered once), svc's second_unit_function (2, entered
    // once), one PC in no image. One stray instruction before and an unfinished iteration after.
    private static string SyntheticTrace(BuiltFixture fx, PieFixture pie, int iterations)
    {
        var lines = new List<string> { T(fx["fault_here"]) };
        ulong svc = SvcBase + pie["second_unit_function"];
        for (int i = 0; i < iterations; i++)
        {
            lines.AddRange(new[] { T(fx["caller"]), T(fx["caller"] + 1), T(svc), T(svc + 1), T(0xdead_0000) });
        }

        lines.Add(T(fx["caller"]));
        lines.Add(T(fx["caller"] + 1));
        return string.Join('\n', lines) + "\n";
    }

    private static string T(ulong pc) =>
        string.Create(CultureInfo.InvariantCulture, $"Trace 0: 0x7f0000001000 [0000000000000000/{pc:x16}/0040c0b3/ff020201] ");

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await ImageProfile.Program.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    // A shell script in QEMU's place: $trace is the -D file, wait_for FILE polls for up to 20 s.
    private string FakeQemu(string body)
    {
        string path = Path.Combine(_dir, "fake-qemu.sh");
        File.WriteAllText(path, $$"""
            #!/bin/bash
            if [ "$1" = "--version" ]; then echo "QEMU emulator version 7.2.22 (fake)"; exit 0; fi
            trace=""
            while [ $# -gt 0 ]; do
                case "$1" in -D) trace="$2"; shift ;; esac
                shift
            done
            wait_for() { for i in $(seq 1 400); do [ -e "$1" ] && return 0; sleep 0.05; done; exit 9; }
            {{body}}

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>
    /// The HMP side of the stand-in: greets, echoes each command, and answers it (or with
    /// <c>reply</c>). <c>log exec,nochain</c> writes the trace and TRACE.on; <c>quit</c> writes TRACE.quit.
    /// </summary>
    private sealed class FakeMonitor : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly Task<List<string>> _serving;

        public FakeMonitor(string socketPath, string tracePath, string trace, string reply = "")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
            _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            _listener.Listen(1);
            _serving = Task.Run(async () =>
            {
                var commands = new List<string>();
                Socket connection;
                try
                {
                    connection = await _listener.AcceptAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return commands;
                }
                using (connection)
                {
                    await using var stream = new NetworkStream(connection);
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    await Send(stream, "QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) ");
                    string? line;
                    while ((line = await reader.ReadLineAsync()) != null)
                    {
                        commands.Add(line);
                        if (line == "quit")
                        {
                            File.WriteAllText(tracePath + ".quit", "");
                            break;
                        }
                        if (line == "log exec,nochain" && reply.Length == 0)
                        {
                            File.WriteAllText(tracePath, trace);
                            File.WriteAllText(tracePath + ".on", "");
                        }
                        await Send(stream, line + "\r\n" + (reply.Length > 0 ? reply + "\r\n" : "") + "(qemu) ");
                    }
                }
                return commands;
            });
        }

        public async Task<string[]> Commands()
        {
            _listener.Dispose(); // ends a wait for a connection that never came
            return (await _serving.WaitAsync(TimeSpan.FromSeconds(30))).ToArray();
        }

        public void Dispose() => _listener.Dispose();

        private static Task Send(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();
    }
}
