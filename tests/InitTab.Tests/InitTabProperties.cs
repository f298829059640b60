using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Init;
using Xunit;

namespace Microkernel.Tests;

/// <summary>FsCheck properties (1,000 cases each) over random tables: random levels,
/// priorities, failing entries, missing term functions and dependency lists.</summary>
public unsafe class InitTabProperties
{
    /// <summary>Dependencies may name any entry (earlier, later, itself) or an unknown name.</summary>
    private static Gen<EntrySpec[]> TableGen(int maxEntries, bool onlyEarlierDependencies) =>
        from count in Gen.Choose(0, maxEntries)
        from specs in Gen.ArrayOf(EntryGen(count), count)
        select Fix(specs, onlyEarlierDependencies);

    private static Gen<(int Level, int Priority, int InitCode, bool HasTerm, int TermCode, int[] Deps)> EntryGen(int count) =>
        from level in Gen.Choose(0, InitLevels.Count - 1)
        from priority in Gen.Choose(0, InitTab.MaxPriority)
        from fails in Gen.Choose(0, 4)
        from code in Gen.Choose(1, 1000)
        from hasTerm in Gen.Choose(0, 4)
        from termCode in Gen.Choose(0, 3)
        from depCount in Gen.Choose(0, 3)
            // -1 .. -3 stand for names never registered.
        from deps in Gen.ArrayOf(Gen.Choose(-3, Math.Max(0, count - 1)), depCount)
        select (level, priority, fails == 0 ? code : 0, hasTerm != 0, termCode, deps);

    private static EntrySpec[] Fix((int Level, int Priority, int InitCode, bool HasTerm, int TermCode, int[] Deps)[] raw, bool onlyEarlier)
    {
        var specs = new EntrySpec[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            (int Level, int Priority, int InitCode, bool HasTerm, int TermCode, int[] Deps) r = raw[i];
            specs[i] = new EntrySpec(i, (InitLevel)r.Level, r.Priority, r.InitCode, r.HasTerm, r.TermCode, Array.Empty<string>());
        }

        for (int i = 0; i < raw.Length; i++)
        {
            var deps = new List<string>();
            foreach (int d in raw[i].Deps)
            {
                if (d < 0) { deps.Add("missing" + (-d)); continue; }
                if (onlyEarlier)
                {
                    // Keep only dependencies that sort strictly before this entry.
                    List<EntrySpec> order = InitTabModel.InitOrder(specs);
                    if (order.IndexOf(specs[d]) >= order.IndexOf(specs[i]))
                    {
                        continue;
                    }
                }

                deps.Add("e" + d);
            }

            specs[i] = specs[i] with { Dependencies = deps.ToArray() };
        }

        return specs;
    }

    /// <summary>Registers the specs (slot i i-th), runs init then term, returns the log.</summary>
    private static (InitTab Table, List<string> InitLog, List<string> TermLog, InitSummary Summary) Run(EntrySpec[] specs)
    {
        List<string> log = Slots.Reset();
        var table = new InitTab();
        foreach (EntrySpec s in specs)
        {
            Slots.InitCodes[s.Slot] = s.InitCode;
            Slots.TermCodes[s.Slot] = s.TermCode;
            InitTabStatus status = table.Register(Encoding.ASCII.GetBytes(s.Name), s.Level, s.Priority, Slots.Init(s.Slot), s.HasTerm ? Slots.Term(s.Slot) : null, Encoding.ASCII.GetBytes(string.Join(" ", s.Dependencies)));
            Assert.Equal(InitTabStatus.Ok, status);
        }

        var observer = new RecordingObserver(log);
        Assert.Equal(InitTabStatus.Ok, table.RunInit(ref observer, out InitSummary summary));
        var initLog = log.ToList();
        log.Clear();
        table.RunTerm(ref observer);
        return (table, initLog, log.ToList(), summary);
    }

    private static string Describe(EntrySpec[] specs) => string.Join("; ", specs.Select(s => s.ToString()));

    [Fact]
    public void Init_and_term_match_the_model_for_any_table()
    {
        PropertyCheck.ForAll(TableGen(24, onlyEarlierDependencies: false), specs =>
        {
            InitTabModel.Result model = InitTabModel.Run(specs);
            (InitTab? table, List<string>? initLog, List<string>? termLog, InitSummary summary) = Run(specs);
            Assert.True(model.InitLog.SequenceEqual(initLog), Describe(specs) + "\nexpected init: " + string.Join(" | ", model.InitLog) + "\nactual init:   " + string.Join(" | ", initLog));
            Assert.True(model.TermLog.SequenceEqual(termLog), Describe(specs) + "\nexpected term: " + string.Join(" | ", model.TermLog) + "\nactual term:   " + string.Join(" | ", termLog));
            Assert.Equal(model.States.Values.Count(s => s == InitEntryState.Succeeded), summary.Succeeded);
            Assert.Equal(model.States.Values.Count(s => s == InitEntryState.Failed), summary.Failed);
            Assert.Equal(model.States.Values.Count(s => s == InitEntryState.Skipped), summary.Skipped);
            foreach (EntrySpec? s in specs)
            {
                Assert.True(table.TryGetOutcome(Encoding.ASCII.GetBytes(s.Name), out InitOutcome outcome));
                InitEntryState expected = model.States[s.Name] == InitEntryState.Succeeded ? InitEntryState.Terminated : model.States[s.Name];
                Assert.Equal(expected, outcome.State);
                Assert.Equal(s.Level, outcome.Level);
                if (expected == InitEntryState.Failed)
                {
                    Assert.Equal(s.InitCode, outcome.Code);
                }
            }

            Assert.Equal(0, table.PendingTerms);
        });
    }

    [Fact]
    public void Init_runs_in_level_priority_registration_order_and_only_after_its_dependencies()
    {
        PropertyCheck.ForAll(TableGen(24, onlyEarlierDependencies: false), specs =>
        {
            (InitTab _, List<string>? initLog, List<string> _, InitSummary _) = Run(specs);
            var started = initLog.Where(l => l.StartsWith("init ", StringComparison.Ordinal)).Select(l => specs[int.Parse(l.Substring(5))]).ToList();
            for (int i = 1; i < started.Count; i++)
            {
                EntrySpec a = started[i - 1];
                EntrySpec b = started[i];
                Assert.True(((int)a.Level, a.Priority, a.Slot).CompareTo(((int)b.Level, b.Priority, b.Slot)) < 0, $"{a} ran before {b}");
            }

            // Every dependency of a started entry had already succeeded ("ok" logged) before it started.
            foreach (EntrySpec? e in started)
            {
                int at = initLog.IndexOf("init " + e.Slot);
                foreach (string d in e.Dependencies)
                {
                    EntrySpec dep = specs.Single(s => s.Name == d);
                    int ok = initLog.IndexOf("ok " + dep.Id);
                    Assert.True(ok >= 0 && ok < at, $"{e} started without {d} initialised");
                }
            }
        });
    }

    [Fact]
    public void Skipped_entries_are_exactly_those_reaching_a_failed_or_unknown_entry()
    {
        // Dependencies only on entries earlier in the order, so "skipped" has one cause:
        // a path through the dependency graph to a failing entry or an unregistered name.
        PropertyCheck.ForAll(TableGen(24, onlyEarlierDependencies: true), specs =>
        {
            (InitTab? table, List<string> _, List<string> _, InitSummary _) = Run(specs);
            Dictionary<string, EntrySpec> byName = specs.ToDictionary(s => s.Name);

            bool Reaches(EntrySpec e, HashSet<string> seen)
            {
                foreach (string d in e.Dependencies)
                {
                    if (!byName.TryGetValue(d, out EntrySpec? dep) || dep.InitCode != 0)
                    {
                        return true;
                    }

                    if (seen.Add(d) && Reaches(dep, seen))
                    {
                        return true;
                    }
                }

                return false;
            }

            foreach (EntrySpec? s in specs)
            {
                Assert.True(table.TryGetOutcome(Encoding.ASCII.GetBytes(s.Name), out InitOutcome outcome));
                bool skipped = outcome.State == InitEntryState.Skipped;
                Assert.True(Reaches(s, new HashSet<string>()) == skipped, $"{s}: skipped={skipped} in {Describe(specs)}");
                if (!skipped)
                {
                    Assert.Equal(s.InitCode == 0 ? InitEntryState.Terminated : InitEntryState.Failed, outcome.State);
                }
            }
        });
    }

    [Fact]
    public void Term_order_is_the_exact_reverse_of_successful_init()
    {
        PropertyCheck.ForAll(TableGen(24, onlyEarlierDependencies: false), specs =>
        {
            (InitTab _, List<string>? initLog, List<string>? termLog, InitSummary _) = Run(specs);
            var succeeded = specs.Where(s => initLog.Contains("ok " + s.Id)).OrderBy(s => initLog.IndexOf("ok " + s.Id)).ToList();
            var expected = Enumerable.Reverse(succeeded).Where(s => s.HasTerm).Select(s => "term " + s.Slot).ToList();
            var actual = termLog.Where(l => !l.Contains('/')).ToList(); // the slot functions' own lines
            Assert.Equal(expected, actual);
            // Nothing that failed or was skipped is ever termed.
            Assert.DoesNotContain(termLog, l => specs.Any(s => !succeeded.Contains(s) && l == "term " + s.Slot));
        });
    }

    [Fact]
    public void A_second_RunTerm_runs_nothing()
    {
        PropertyCheck.ForAll(TableGen(16, onlyEarlierDependencies: false), specs =>
        {
            (InitTab? table, List<string> _, List<string> _, InitSummary _) = Run(specs);
            List<string> log = Slots.Reset();
            var observer = new RecordingObserver(log);
            Assert.Equal(0, table.RunTerm(ref observer));
            Assert.Empty(log);
        });
    }

    [Fact]
    public void A_nested_RunTerm_from_a_term_function_runs_each_remaining_term_once()
    {
        // As a panic inside a term function would: the nested call finishes the rest, the
        // outer call then finds nothing left; every owed term ran exactly once, in reverse.
        Gen<(EntrySpec[] specs, int pick)> gen = from specs in TableGen(16, onlyEarlierDependencies: false)
                                                 from pick in Gen.Choose(0, 15)
                                                 select (specs, pick);
        PropertyCheck.ForAll(gen, t =>
        {
            (EntrySpec[]? specs, int pick) = t;
            List<string> log = Slots.Reset();
            var table = new InitTab();
            foreach (EntrySpec? s in specs)
            {
                Slots.InitCodes[s.Slot] = s.InitCode;
                table.Register(Encoding.ASCII.GetBytes(s.Name), s.Level, s.Priority, Slots.Init(s.Slot), Slots.Term(s.Slot), Encoding.ASCII.GetBytes(string.Join(",", s.Dependencies)));
            }

            var observer = new SilentInitTabObserver();
            table.RunInit(ref observer, out _);
            var initLog = log.ToList();
            log.Clear();
            bool nested = false;
            Slots.Hook = (slot, isTerm) =>
            {
                if (isTerm && slot == pick && !nested)
                {
                    nested = true;
                    var inner = new SilentInitTabObserver();
                    table.RunTerm(ref inner);
                }
            };
            table.RunTerm(ref observer);
            var expected = initLog.Where(l => l.StartsWith("init ", StringComparison.Ordinal)).Select(l => int.Parse(l.Substring(5)))
                .Where(slot => specs[slot].InitCode == 0).Reverse().Select(slot => "term " + slot).ToList();
            Assert.Equal(expected, log);
        });
    }
}
