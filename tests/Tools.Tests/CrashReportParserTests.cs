using System;
using System.Collections.Generic;
using System.Linq;
using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

public class CrashReportParserTests
{
    private const string Full = """
        *** PANIC: CPU exception #PF Page fault
        cpu=0 vector=0x000000000000000e error=0x0000000000000002
        rip=0x0000000000101234 rsp=0x0000000000200ff0 rbp=0x0000000000200ff8 rflags=0x0000000000010046
        cr0=0x0000000080000011 cr2=0x0000000000000008 cr3=0x0000000000001000 cr4=0x0000000000000020
        rax=0x0000000000000000 rbx=0x0000000000000001 rcx=0x0000000000000002 rdx=0x0000000000000003
        rsi=0x0000000000000004 rdi=0x0000000000000005 r8=0x0000000000000008 r9=0x0000000000000009
        r10=0x000000000000000a r11=0x000000000000000b r12=0x000000000000000c r13=0x000000000000000d
        r14=0x000000000000000e r15=0x000000000000000f
        stack:
          #0 0x0000000000101234
          #1 0x00000000001056aa
        *** END PANIC
        """;

    [Fact]
    public void Parses_the_full_format()
    {
        CrashReport r = Assert.Single(CrashReportParser.ParseAll(Full.Split('\n')));
        Assert.Equal("CPU exception #PF Page fault", r.Reason);
        Assert.False(r.Truncated);
        Assert.True(r.IsCpuException);
        Assert.Equal(0x101234UL, r.Rip);
        Assert.Equal(0x0eUL, r.Values["vector"]);
        Assert.Equal(2UL, r.Values["error"]);
        Assert.Equal(8UL, r.Values["cr2"]);
        Assert.Equal(0x0fUL, r.Values["r15"]);
        Assert.Equal(9UL, r.Values["r9"]);
        Assert.Equal(0UL, r.Values["cpu"]);
        Assert.Equal(new[] { new StackFrame(0, 0x101234), new StackFrame(1, 0x1056aa) }, r.Frames);
    }

    [Fact]
    public void Panic_without_cpu_exception_and_without_register_lines()
    {
        string log = """
            [  1.234] *** PANIC: throw System.InvalidOperationException: boom
            cpu=1 vector=none error=none
            rip=0x0000000000100010
            stack:
              #0 0x0000000000100010
            *** END PANIC
            """;
        CrashReport r = Assert.Single(CrashReportParser.ParseAll(log.Split('\n')));
        Assert.Equal("throw System.InvalidOperationException: boom", r.Reason);
        Assert.False(r.IsCpuException);
        Assert.Null(r.Values["vector"]);
        Assert.Equal(1UL, r.Values["cpu"]);
        Assert.Equal(0x100010UL, r.Rip);
        Assert.Single(r.Frames);
    }

    [Fact]
    public void Keys_in_any_order_and_missing_lines()
    {
        string log = "*** PANIC: x\nrsp=0x10 rip=0x0000000000100020\n*** END PANIC";
        CrashReport r = Assert.Single(CrashReportParser.ParseAll(log.Split('\n')));
        Assert.Equal(0x100020UL, r.Rip);
        Assert.Equal(0x10UL, r.Values["rsp"]);
        Assert.Empty(r.Frames);
        Assert.False(r.Values.ContainsKey("vector"));

        CrashReport empty = Assert.Single(CrashReportParser.ParseAll(new[] { "*** PANIC:", "*** END PANIC" }));
        Assert.Equal("", empty.Reason);
        Assert.Null(empty.Rip);
    }

    [Fact]
    public void Report_cut_off_by_end_of_input_or_a_second_panic_is_truncated()
    {
        string[] lines = new[]
        {
            "*** PANIC: first", "rip=0x0000000000100001", "stack:", "  #0 0x0000000000100001",
            "*** PANIC: second", "rip=0x0000000000100002",
        };
        List<CrashReport> reports = CrashReportParser.ParseAll(lines);
        Assert.Equal(2, reports.Count);
        Assert.True(reports[0].Truncated);
        Assert.Equal(0x100001UL, reports[0].Rip);
        Assert.Single(reports[0].Frames);
        Assert.Equal("second", reports[1].Reason);
        Assert.True(reports[1].Truncated);
        Assert.Equal(0x100002UL, reports[1].Rip);
    }

    [Fact]
    public void Garbage_lines_are_ignored_inside_and_outside_reports()
    {
        string[] lines = new[]
        {
            "rip=0x1234 outside any report", "\u0000\u00ff\u001b[31m noise", "*** END PANIC",
            "*** PANIC: noisy",
            "rip=0xZZZZ rip=0x00000000001000aa", "rsp=0x1234567890abcdef0123 (too long, ignored)",
            "#x 0x10", "  #1 nothex", "#2 0x0000000000100bbb trailing text", "\u0000\u0001\u0002",
            "*** END PANIC",
        };
        CrashReport r = Assert.Single(CrashReportParser.ParseAll(lines));
        Assert.Equal(0x1000aaUL, r.Rip);
        Assert.False(r.Values.ContainsKey("rsp"));
        Assert.Equal(new[] { new StackFrame(2, 0x100bbb) }, r.Frames);
    }

    [Fact]
    public void Endless_report_is_closed_after_the_line_limit()
    {
        IEnumerable<string> lines = new[] { "*** PANIC: loop" }.Concat(Enumerable.Repeat("  #0 0x0000000000100000", CrashReportParser.MaxReportLines + 10));
        List<CrashReport> reports = CrashReportParser.ParseAll(lines);
        Assert.True(reports[0].Truncated);
        Assert.True(reports[0].Frames.Count < CrashReportParser.MaxReportLines);
    }
}
