using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microkernel.Init;

namespace Microkernel.Tests;

/// <summary>One generated entry: slot i is named "e{i}" and registered i-th.</summary>
public sealed record EntrySpec(int Slot, InitLevel Level, int Priority, int InitCode, bool HasTerm, int TermCode, string[] Dependencies)
{
    public string Name => "e" + Slot;

    public string Id => RecordingObserver.Id(Level, Encoding.ASCII.GetBytes(Name));

    public override string ToString() =>
        $"{Name}(L{(int)Level} P{Priority} init={InitCode} term={(HasTerm ? TermCode.ToString() : "none")} deps=[{string.Join(",", Dependencies)}])";
}

/// <summary>A list-based model of what RunInit/RunTerm must do, written from the
/// specification rather than from the implementation: sort with LINQ, then walk.</summary>
public static class InitTabModel
{
    public sealed class Result
    {
        public List<string> InitLog = new();
        public List<string> TermLog = new();
        public Dictionary<string, InitEntryState> States = new();
        public List<EntrySpec> Succeeded = new();
    }

    public static List<EntrySpec> InitOrder(IReadOnlyList<EntrySpec> entries) =>
        entries.OrderBy(e => (int)e.Level).ThenBy(e => e.Priority).ThenBy(e => e.Slot).ToList();

    public static Result Run(IReadOnlyList<EntrySpec> entries)
    {
        var result = new Result();
        var byName = entries.ToDictionary(e => e.Name);
        foreach (EntrySpec e in InitOrder(entries))
        {
            string? skip = null;
            foreach (string d in e.Dependencies)
            {
                if (!byName.ContainsKey(d)) { skip = "DependencyUnknown " + d; break; }
                InitEntryState state = result.States.GetValueOrDefault(d, InitEntryState.Registered);
                if (state == InitEntryState.Succeeded)
                {
                    continue;
                }

                skip = state switch
                {
                    InitEntryState.Failed => "DependencyFailed ",
                    InitEntryState.Skipped => "DependencySkipped ",
                    _ => "DependencyOrder ",
                } + d;
                break;
            }

            if (skip != null)
            {
                result.States[e.Name] = InitEntryState.Skipped;
                result.InitLog.Add("skipped " + e.Id + " " + skip);
                continue;
            }

            result.InitLog.Add("start " + e.Id);
            result.InitLog.Add("init " + e.Slot);
            if (e.InitCode == 0)
            {
                result.States[e.Name] = InitEntryState.Succeeded;
                result.Succeeded.Add(e);
                result.InitLog.Add("ok " + e.Id);
            }
            else
            {
                result.States[e.Name] = InitEntryState.Failed;
                result.InitLog.Add("failed " + e.Id + " " + e.InitCode);
            }
        }

        foreach (EntrySpec? e in Enumerable.Reverse(result.Succeeded))
        {
            if (!e.HasTerm)
            {
                continue;
            }

            result.TermLog.Add("term-start " + e.Id);
            result.TermLog.Add("term " + e.Slot);
            result.TermLog.Add("term " + e.Id + " " + e.TermCode);
        }

        return result;
    }
}
