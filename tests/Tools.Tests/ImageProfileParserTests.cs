using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using FsCheck.Xunit;
using ImageProfile;
using Xunit;

namespace Tools.Tests;

/// <summary>ImageProfile's readers of QEMU's exec log and of the kernel's service start lines.</summary>
public class ImageProfileParserTests
{
    private const string Line = "Trace 0: 0x7fee1c8a33c0 [0000000000000000/000000000012245d/0040c2b0/ff020201] ";

    [Fact]
    public void Reads_the_guest_pc_from_an_exec_log_line()
    {
        Assert.True(TraceLineParser.TryParsePc(Line, out ulong pc));
        Assert.Equal(0x12245dUL, pc);
        Assert.Equal(TraceLineKind.Instruction, TraceLineParser.Classify(Line, out pc));
        Assert.Equal(0x12245dUL, pc);
    }

    [Theory]
    [InlineData("Trace 1: 0x7f0000001000 [0000000000000000/0000008a206bd6f9/0040c0b3/ff020201] some_symbol", 0x8a206bd6f9UL)]
    [InlineData("Trace 12: 0x7f0000001000 [00000000000f0000/000000000000fff0/00000000/00000001]", 0xfff0UL)]
    [InlineData("Trace 0: 0x7f0000001000 [0000000000000000/ffffffffffffffff/0040c0b3/ff020201] ", ulong.MaxValue)]
    public void Reads_other_cpus_symbols_and_extreme_pcs(string line, ulong expected)
    {
        Assert.True(TraceLineParser.TryParsePc(line, out ulong pc));
        Assert.Equal(expected, pc);
    }

    [Theory]
    [InlineData("Trace 0: 0x7fee1c8a33c0 0000000000000000/000000000012245d/0040c2b0/ff020201")]   // no bracket
    [InlineData("Trace 0: 0x7fee1c8a33c0 [0000000000000000/000000000012245d/0040c2b0/ff020201")]  // unclosed
    [InlineData("Trace 0: 0x7fee1c8a33c0 [0000000000000000/00000000001224zz/0040c2b0/ff020201] ")] // not hex
    [InlineData("Trace 0: 0x7fee1c8a33c0 [0000000000000000//0040c2b0/ff020201] ")]                 // empty pc
    [InlineData("Trace 0: 0x7fee1c8a33c0 [0000000000000000/10000000000000000/0040c2b0/ff020201] ")] // 17 digits
    [InlineData("Trace 0: 0x7fee1c8a33c0 [0000000000000000/000000000012245d/0040c2b0] ")]          // three fields
    [InlineData("Trace x: 0x7fee1c8a33c0 [0000000000000000/000000000012245d/0040c2b0/ff020201] ")] // cpu not a number
    [InlineData(" Trace 0: 0x7fee1c8a33c0 [0000000000000000/000000000012245d/0040c2b0/ff020201] ")] // indented
    [InlineData("Trace 0: 0x7fee1c8a33c0 [0000000000000000/0000")]                                   // cut off mid-line
    [InlineData("IN: \n0x000000000012245d:  mov eax, 1")]
    [InlineData("\u0000\u00ff\u0001garbage")]
    public void Malformed_lines_are_unparsed_not_errors(string line)
    {
        Assert.False(TraceLineParser.TryParsePc(line, out _));
        Assert.Equal(TraceLineKind.Unparsed, TraceLineParser.Classify(line, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Blank_lines_are_blank(string line) =>
        Assert.Equal(TraceLineKind.Blank, TraceLineParser.Classify(line, out _));

    [Fact]
    public void Reads_the_pc_of_a_block_that_was_left_before_it_ran()
    {
        const string Stopped = "Stopped execution of TB chain before 0x7fbd1499bc40 [000000857e37babc] ";
        Assert.Equal(TraceLineKind.NotExecuted, TraceLineParser.Classify(Stopped, out ulong pc));
        Assert.Equal(0x857e37babcUL, pc);
        Assert.Equal(TraceLineKind.Unparsed, TraceLineParser.Classify("Stopped execution of TB chain before 0x7fbd1499bc40 [zz] ", out _));
        Assert.Equal(TraceLineKind.Unparsed, TraceLineParser.Classify("Stopped execution of TB chain before 0x7fbd1499bc40", out _));
    }

    [Property(MaxTest = 500)]
    public void Any_pc_written_the_way_qemu_writes_it_reads_back(ulong pc, byte cpu)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"Trace {cpu}: 0x7f0012345678 [0000000000000000/{pc:x16}/0040c0b3/ff020201] ");
        Assert.True(TraceLineParser.TryParsePc(line, out ulong back));
        Assert.Equal(pc, back);
    }

    [Fact]
    public void Reader_takes_back_a_block_left_before_it_ran_and_counts_the_rest()
    {
        string trace = string.Join('\n',
            T(0x100), T(0x104),
            "Stopped execution of TB chain before 0x7f00 [0000000000000104] ",
            T(0x104), "", T(0x108),
            "Stopped execution of TB chain before 0x7f00 [0000000000000999] ",   // not the block before it
            "qemu: some other log line",
            T(0x10c));
        var window = new TraceWindow();
        TraceReadResult read = TraceReader.Read(new StringReader(trace), window);

        Assert.Equal(4, read.Instructions);   // five exec-log lines, one taken back
        Assert.Equal(1, read.NotExecuted);
        Assert.Equal(2, read.UnparsedLines);
        Assert.Equal(2, read.UnparsedSamples.Count);
        Assert.StartsWith("Stopped execution", read.UnparsedSamples[0], StringComparison.Ordinal);
        Assert.Equal(1, window.Counts[0x104]);
        Assert.Equal(1, window.Counts[0x10c]); // the last line is not lost to the one-line hold-back
        Assert.Equal(4, window.Instructions);
    }

    [Fact]
    public void Reader_keeps_only_a_few_samples_of_many_bad_lines()
    {
        string trace = string.Join('\n', "bad 1", "bad 2", "bad 3", "bad 4", "bad 5", T(0x100));
        TraceReadResult read = TraceReader.Read(new StringReader(trace), new TraceWindow());
        Assert.Equal(5, read.UnparsedLines);
        Assert.Equal(new[] { "bad 1", "bad 2", "bad 3" }, read.UnparsedSamples);
        Assert.Equal(1, read.Instructions);
    }

    [Fact]
    public void Reads_a_service_start_line()
    {
        Assert.True(ServiceLoadParser.TryParse("[info] proc: service echo-server pid=2 base=0x00000087b82c2000", out ServiceLoad load));
        Assert.Equal(new ServiceLoad("echo-server", 2, 0x87b82c2000), load);
    }

    [Theory]
    [InlineData("[info] echo-bench: service echo-server pid=2 base=0x00000087b82c2000")] // a service, not the kernel's proc
    [InlineData("[info] proc: service echo-server pid=2 exited with status 0")]
    [InlineData("[info] proc: service echo-server pid=2 base=0x")]
    [InlineData("[info] proc: service echo-server pid=2 base=0x00000087b82c2000ff")]     // 18 digits
    [InlineData("[info] proc: service echo-server pid=x base=0x00000087b82c2000")]
    [InlineData("[info] proc: service echo-server pid=2 base=0x0000008zb82c2000")]
    public void Other_lines_are_not_service_starts(string line) =>
        Assert.False(ServiceLoadParser.TryParse(line, out _));

    [Fact]
    public void Collects_every_start_in_order_including_restarts()
    {
        IReadOnlyList<ServiceLoad> loads = ServiceLoadParser.ParseAll(new[]
        {
            "[info] boot: microkernel starting",
            "[info] proc: service supervisor pid=1 base=0x0000008911b62000",
            "[info] proc: service store pid=2 base=0x0000008714deb000",
            "[info] proc: service store pid=2 exited with status 0",
            "[info] proc: service store pid=3 base=0x0000008100000000",
        });
        Assert.Equal(new[]
        {
            new ServiceLoad("supervisor", 1, 0x8911b62000),
            new ServiceLoad("store", 2, 0x8714deb000),
            new ServiceLoad("store", 3, 0x8100000000),
        }, loads);
    }

    private static string T(ulong pc) =>
        string.Create(CultureInfo.InvariantCulture, $"Trace 0: 0x7f0000001000 [0000000000000000/{pc:x16}/0040c0b3/ff020201] ");
}
