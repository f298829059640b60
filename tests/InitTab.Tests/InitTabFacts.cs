using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microkernel.Init;
using Xunit;

namespace Microkernel.Tests;

/// <summary>Edge cases: capacity, duplicates, argument checks, empty tables, closing,
/// skip reasons and causes, the log shape, init interrupted by shutdown.</summary>
public unsafe class InitTabFacts
{
    private static InitTabStatus Add(InitTab table, string name, InitLevel level = InitLevel.System, int priority = 5, int slot = 0, string deps = "", bool term = true) =>
        table.Register(Encoding.ASCII.GetBytes(name), level, priority, Slots.Init(slot), term ? Slots.Term(slot) : null, Encoding.ASCII.GetBytes(deps));

    [Fact]
    public void The_default_table_holds_64_entries_and_refuses_the_65th_unchanged()
    {
        Slots.Reset();
        var table = new InitTab();
        Assert.Equal(64, table.Capacity);
        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(InitTabStatus.Ok, Add(table, "c" + i, slot: i));
        }

        Assert.Equal(InitTabStatus.TableFull, Add(table, "one-more"));
        Assert.Equal(64, table.Count);
        Assert.Equal(-1, table.Find("one-more"u8));
        // A duplicate is reported as such even when the table is full.
        Assert.Equal(InitTabStatus.DuplicateName, Add(table, "c3"));

        var observer = new SilentInitTabObserver();
        Assert.Equal(InitTabStatus.Ok, table.RunInit(ref observer, out InitSummary summary));
        Assert.Equal(64, summary.Succeeded);
        Assert.Equal(64, table.RunTerm(ref observer));
    }

    [Fact]
    public void A_duplicate_name_is_refused_and_the_first_entry_kept()
    {
        Slots.Reset();
        var table = new InitTab(4);
        Assert.Equal(InitTabStatus.Ok, Add(table, "acpi", InitLevel.Platform, 1, slot: 1));
        Assert.Equal(InitTabStatus.DuplicateName, Add(table, "acpi", InitLevel.Late, 9, slot: 2));
        Assert.Equal(1, table.Count);
        Assert.True(table.TryGetOutcome("acpi"u8, out InitOutcome outcome));
        Assert.Equal(InitLevel.Platform, outcome.Level);
        Assert.Equal(1, outcome.Priority);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("has,comma")]
    [InlineData("tab\there")]
    [InlineData("abcdefghijklmnopqrstuvwxy")] // 25 bytes, one over
    public void Invalid_names_are_refused(string name)
    {
        Slots.Reset();
        var table = new InitTab(4);
        Assert.Equal(InitTabStatus.InvalidName, Add(table, name));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Names_of_exactly_24_printable_bytes_and_non_ascii_bytes()
    {
        Slots.Reset();
        var table = new InitTab(4);
        Assert.Equal(InitTabStatus.Ok, Add(table, "abcdefghijklmnopqrstuvwx"));
        Assert.Equal(InitTabStatus.InvalidName, table.Register(new byte[] { (byte)'a', 0xC3, 0xA9 }, InitLevel.Early, 0, Slots.Init(0), null, default));
    }

    [Fact]
    public void Level_priority_init_and_dependency_arguments_are_checked()
    {
        Slots.Reset();
        var table = new InitTab(4);
        Assert.Equal(InitTabStatus.InvalidLevel, Add(table, "a", level: (InitLevel)6));
        Assert.Equal(InitTabStatus.InvalidPriority, Add(table, "a", priority: -1));
        Assert.Equal(InitTabStatus.InvalidPriority, Add(table, "a", priority: 10));
        Assert.Equal(InitTabStatus.MissingInit, table.Register("a"u8, InitLevel.Early, 0, null, null, default));
        Assert.Equal(InitTabStatus.InvalidDependencies, Add(table, "a", deps: "b c d e f g h i j")); // 9 names
        Assert.Equal(InitTabStatus.InvalidDependencies, Add(table, "a", deps: "abcdefghijklmnopqrstuvwxyz"));
        Assert.Equal(InitTabStatus.InvalidDependencies, Add(table, "a", deps: new string('x', 20) + " " + new string('y', 20) + " " + new string('z', 20) + " " + new string('w', 20) + " " + new string('v', 20) + " " + new string('u', 20) + " " + new string('t', 20)));
        Assert.Equal(0, table.Count);
        // Separators may repeat and mix; eight names are allowed.
        Assert.Equal(InitTabStatus.Ok, Add(table, "a", deps: " b,,c  d,e f g h i "));
    }

    [Fact]
    public void An_empty_table_runs_and_terms_nothing()
    {
        List<string> log = Slots.Reset();
        var table = new InitTab();
        var observer = new RecordingObserver(log);
        Assert.Equal(InitTabStatus.Ok, table.RunInit(ref observer, out InitSummary summary));
        Assert.Equal(default, summary);
        Assert.Equal(0, table.RunTerm(ref observer));
        Assert.Empty(log);
    }

    [Fact]
    public void Registration_and_a_second_RunInit_are_refused_once_init_has_run()
    {
        List<string> log = Slots.Reset();
        var table = new InitTab(4);
        Add(table, "a");
        var observer = new RecordingObserver(log);
        Assert.Equal(InitTabStatus.Ok, table.RunInit(ref observer, out _));
        Assert.Equal(InitTabStatus.Closed, Add(table, "b", slot: 1));
        log.Clear();
        Assert.Equal(InitTabStatus.Closed, table.RunInit(ref observer, out InitSummary summary));
        Assert.Equal(default, summary);
        Assert.Empty(log);
    }

    [Fact]
    public void RunTerm_before_RunInit_runs_nothing_and_closes_the_table()
    {
        List<string> log = Slots.Reset();
        var table = new InitTab(4);
        Add(table, "a");
        var observer = new RecordingObserver(log);
        Assert.Equal(0, table.RunTerm(ref observer));
        Assert.Equal(InitTabStatus.Closed, table.RunInit(ref observer, out _));
        Assert.Empty(log);
    }

    [Fact]
    public void The_log_lines_name_level_and_entry_with_the_reason_and_cause()
    {
        List<string> log = Slots.Reset();
        var table = new InitTab(8);
        Slots.InitCodes[1] = 7;
        Slots.TermCodes[0] = 3;
        Assert.Equal(InitTabStatus.Ok, Add(table, "supervisor", InitLevel.System, 0, slot: 2, deps: "ioapic"));
        Assert.Equal(InitTabStatus.Ok, Add(table, "acpi", InitLevel.Platform, 0, slot: 0));
        Assert.Equal(InitTabStatus.Ok, Add(table, "ioapic", InitLevel.Platform, 1, slot: 1, deps: "acpi"));
        Assert.Equal(InitTabStatus.Ok, Add(table, "klog", InitLevel.Library, 0, slot: 3, deps: "acpi,nvram"));
        Assert.Equal(InitTabStatus.Ok, Add(table, "early", InitLevel.Early, 0, slot: 4, deps: "acpi"));
        Assert.Equal(InitTabStatus.Ok, Add(table, "shell", InitLevel.Late, 0, slot: 5, deps: "supervisor"));
        var observer = new RecordingObserver(log);
        table.RunInit(ref observer, out InitSummary summary);
        table.RunTerm(ref observer);
        Assert.Equal(new List<string>
        {
            "skipped early/early DependencyOrder acpi",
            "start platform/acpi", "init 0", "ok platform/acpi",
            "start platform/ioapic", "init 1", "failed platform/ioapic 7",
            "skipped library/klog DependencyUnknown nvram",
            "skipped system/supervisor DependencyFailed ioapic",
            "skipped late/shell DependencySkipped supervisor",
            "term-start platform/acpi", "term 0", "term platform/acpi 3",
        }, log);
        Assert.Equal(1, summary.Succeeded);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(4, summary.Skipped);
        Assert.Equal("ioapic"u8.ToArray(), table.SkipCause("supervisor"u8).ToArray());
        Assert.True(table.TryGetOutcome("acpi"u8, out InitOutcome acpi));
        Assert.Equal(InitEntryState.Terminated, acpi.State);
        Assert.Equal(3, acpi.Code);
        Assert.Equal(0, acpi.RunIndex);
        Assert.True(table.TryGetOutcome("ioapic"u8, out InitOutcome ioapic));
        Assert.Equal(InitSkipReason.None, ioapic.SkipReason);
        Assert.Equal(7, ioapic.Code);
        Assert.True(table.TryGetOutcome("klog"u8, out InitOutcome klog));
        Assert.Equal(-1, klog.RunIndex);
        Assert.Equal(InitSkipReason.DependencyUnknown, klog.SkipReason);
    }

    [Fact]
    public void A_self_dependency_and_a_cycle_are_order_skips()
    {
        List<string> log = Slots.Reset();
        var table = new InitTab(8);
        Add(table, "self", InitLevel.Early, 0, slot: 0, deps: "self");
        Add(table, "a", InitLevel.Platform, 0, slot: 1, deps: "b");
        Add(table, "b", InitLevel.Platform, 0, slot: 2, deps: "a");
        var observer = new RecordingObserver(log);
        table.RunInit(ref observer, out InitSummary summary);
        Assert.Equal(new List<string>
        {
            "skipped early/self DependencyOrder self",
            "skipped platform/a DependencyOrder b",
            "skipped platform/b DependencySkipped a",
        }, log);
        Assert.Equal(3, summary.Skipped);
    }

    [Fact]
    public void Shutdown_started_by_an_init_function_terms_what_is_up_and_stops_init()
    {
        // As a panic inside an init function whose panic path runs RunTerm would.
        List<string> log = Slots.Reset();
        var table = new InitTab(8);
        Add(table, "a", InitLevel.Early, 0, slot: 0);
        Add(table, "b", InitLevel.Early, 1, slot: 1);
        Add(table, "c", InitLevel.Early, 2, slot: 2);
        Slots.Hook = (slot, isTerm) =>
        {
            if (!isTerm && slot == 1)
            {
                var inner = new SilentInitTabObserver();
                table.RunTerm(ref inner);
            }
        };
        var observer = new SilentInitTabObserver();
        table.RunInit(ref observer, out InitSummary summary);
        // a was termed by the nested call; b succeeded after shutdown began, so it is
        // still owed; c never ran.
        Assert.Equal(new List<string> { "init 0", "init 1", "term 0" }, log);
        Assert.Equal(1, table.PendingTerms);
        Slots.Hook = null;
        Assert.Equal(1, table.RunTerm(ref observer));
        Assert.Equal("term 1", log[^1]);
        Assert.True(table.TryGetOutcome("c"u8, out InitOutcome c));
        Assert.Equal(InitEntryState.Registered, c.State);
    }

    [Fact]
    public void Entries_without_a_term_function_are_passed_over_silently()
    {
        List<string> log = Slots.Reset();
        var table = new InitTab(4);
        Add(table, "a", slot: 0, term: false);
        Add(table, "b", slot: 1);
        var observer = new RecordingObserver(log);
        table.RunInit(ref observer, out _);
        log.Clear();
        Assert.Equal(1, table.RunTerm(ref observer));
        Assert.Equal(new List<string> { "term-start system/b", "term 1", "term system/b 0" }, log);
        Assert.True(table.TryGetOutcome("a"u8, out InitOutcome a));
        Assert.Equal(InitEntryState.Terminated, a.State);
    }

    [Fact]
    public void Level_names_are_the_log_words()
    {
        Assert.Equal("early platform library rootfs system late invalid",
            string.Join(" ", new[] { 0, 1, 2, 3, 4, 5, 6 }.Select(l => Encoding.ASCII.GetString(InitLevels.Name((InitLevel)l)))));
    }

    [Fact]
    public void Capacity_outside_1_to_1024_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InitTab(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InitTab(1025));
        Assert.Equal(1024, new InitTab(1024).Capacity);
    }
}
