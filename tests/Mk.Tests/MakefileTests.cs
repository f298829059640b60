using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;

namespace Mk.Tests;

/// <summary>
/// The Makefile's promises: `make help` lists targets that exist, every .PHONY target has a
/// rule and is listed, and relative names (`make out/default.elf`) reach the real rules.
/// Read from make's own database (`make -pq`), so nothing is built.
/// </summary>
public sealed class MakefileTests
{
    /// <summary>Phony targets that are steps of others, not something a user runs.</summary>
    private static readonly string[] s_internal = { "image-bench-tool" };

    private static (int Exit, string Out, string Err) Make(params string[] args)
    {
        var start = new ProcessStartInfo("make")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        // Under `make test` these variables carry the outer make's flags (a jobserver, -k ...);
        // the make under test must read the Makefile as a user's shell would.
        foreach (string inherited in new[] { "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES" })
        {
            start.Environment.Remove(inherited);
        }

        start.ArgumentList.Add("--no-print-directory");
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "make " + string.Join(' ', args) + " timed out");
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Target name to description, as `make help` prints them.</summary>
    private static Dictionary<string, string> Help()
    {
        (int exit, string output, string error) = Make("help");
        Assert.True(exit == 0, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Regex.Match(line, @"^  (\S+) +(\S.*)$"))
            .Select(m => { Assert.True(m.Success, "a `make help` line is not `  target  description`"); return m; })
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    }

    /// <summary>
    /// make's database of files: every explicit target, whether it has a rule (prerequisites
    /// or a recipe), and the .PHONY list. The goal is `help`, so no manifest is composed.
    /// </summary>
    private static (Dictionary<string, bool> HasRule, HashSet<string> Phony) Database()
    {
        (int exit, string output, string error) = Make("-pqr", "help");
        Assert.True(exit is 0 or 1, error);
        var hasRule = new Dictionary<string, bool>(StringComparer.Ordinal);
        var phony = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = output.Split('\n');
        int files = Array.IndexOf(lines, "# Files");
        Assert.True(files >= 0, "no `# Files` section in make -p");
        for (int i = files + 1; i < lines.Length && !lines[i].StartsWith("# files hash", StringComparison.Ordinal); i++)
        {
            string line = lines[i];
            if (line.Length == 0 || line[0] == '#' || line[0] == '\t' || lines[i - 1] == "# Not a target:")
            {
                continue;
            }

            Match entry = Regex.Match(line, @"^(.+?):{1,2}(?:\s(.*))?$");
            if (!entry.Success)
            {
                continue;
            }

            string name = entry.Groups[1].Value;
            string prerequisites = entry.Groups[2].Value.Trim();
            bool recipe = false;
            for (int j = i + 1; j < lines.Length && lines[j].StartsWith('#'); j++)
            {
                recipe |= lines[j].StartsWith("#  recipe to execute", StringComparison.Ordinal);
            }

            if (name == ".PHONY")
            {
                phony.UnionWith(prerequisites.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
            else
            {
                hasRule[name] = prerequisites.Length > 0 || recipe;
            }
        }

        return (hasRule, phony);
    }

    private static IEnumerable<string> ImageNames() =>
        Directory.GetFiles(Path.Combine(Repository.Root, "images"), "*.yaml").Select(Path.GetFileNameWithoutExtension)!;

    [Fact]
    public void Help_lists_the_targets_a_user_needs()
    {
        Dictionary<string, string> help = Help();
        foreach (string target in new[] { "help", "run", "test", "image", "test-image", "images", "image-NAME", "bench", "deps", "clean", "symbolizer" })
        {
            Assert.True(help.ContainsKey(target), $"`make help` does not list {target}");
        }
    }

    [Fact]
    public void Every_target_help_lists_has_a_rule()
    {
        (Dictionary<string, bool> hasRule, _) = Database();
        foreach (string documented in Help().Keys)
        {
            IEnumerable<string> targets = documented.Contains("NAME", StringComparison.Ordinal)
                ? ImageNames().Select(name => documented.Replace("NAME", name, StringComparison.Ordinal))
                : new[] { documented };
            foreach (string target in targets)
            {
                Assert.True(hasRule.GetValueOrDefault(target), $"`make help` lists {target}, which has no rule");
            }
        }
    }

    [Fact]
    public void Every_phony_target_has_a_rule_and_is_listed()
    {
        (Dictionary<string, bool> hasRule, HashSet<string> phony) = Database();
        Dictionary<string, string> help = Help();
        var perImage = ImageNames().Select(name => "image-" + name).ToHashSet();
        foreach (string target in phony)
        {
            Assert.True(hasRule.GetValueOrDefault(target), $".PHONY names {target}, which has no rule");
            bool listed = help.ContainsKey(target) || (perImage.Contains(target) && help.ContainsKey("image-NAME")) || s_internal.Contains(target);
            Assert.True(listed, $"{target} is a .PHONY target that `make help` does not list (add a `## {target}: ...` line above its rule)");
        }
    }

    [Theory]
    [InlineData("default.elf")]
    [InlineData("test.elf")]
    public void A_relative_target_is_the_absolute_one(string file)
    {
        // What-if the linker script were new: both names must need remaking. Before relative
        // names mapped to the real rules, `make out/default.elf` called a stale image up to date.
        string script = Path.Combine(Repository.Root, "boot", "kernel.ld");
        int absolute = Make("-q", "-W", script, Path.Combine(Repository.Root, "out", file)).Exit;
        int relative = Make("-q", "-W", script, "out/" + file).Exit;
        Assert.Equal(1, absolute);
        Assert.Equal(absolute, relative);
    }
}
