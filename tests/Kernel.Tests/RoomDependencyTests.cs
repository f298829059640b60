using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Microkernel.Tests;

/// <summary>The kernel's room rule: arch/ is the bottom floor. Nothing under kernel/arch may
/// use the namespaces of the rooms above it: proc/ (Microkernel.Process), console/
/// (Microkernel.Console), ipc/ (Microkernel.Channels) and sched/ (Microkernel.Scheduling).
/// Arch code that must reach up does it through a hook a room above registers, and arch
/// code that has something to say returns it for init to log.</summary>
public class RoomDependencyTests
{
    /// <summary>The namespaces of the rooms above arch, by the folder that holds them.</summary>
    private static readonly (string Room, string Namespace)[] s_roomsAboveArch =
    [
        ("proc", "Process"),
        ("console", "Console"),
        ("ipc", "Channels"),
        ("sched", "Scheduling"),
    ];

    [Fact]
    public void Arch_uses_no_namespace_of_proc_console_ipc_or_sched()
    {
        string arch = Path.Combine(KernelRoot(), "arch");
        string[] files = Directory.GetFiles(arch, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var violations = files
            .SelectMany(file => Violations(File.ReadAllText(file)).Select(v => $"{Path.GetRelativePath(KernelRoot(), file)}: {v}"))
            .ToList();
        Assert.True(violations.Count == 0, "kernel/arch reaches up into a room above it:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_forbidden_room_still_exists_under_its_namespace()
    {
        // The rule names rooms by namespace; a renamed room would make it pass vacuously.
        foreach ((string room, string ns) in s_roomsAboveArch)
        {
            string folder = Path.Combine(KernelRoot(), room);
            Assert.True(Directory.Exists(folder), $"kernel/{room} is gone");
            bool declared = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Any(f => Regex.IsMatch(File.ReadAllText(f), $@"namespace\s+Microkernel\.{ns}\b"));
            Assert.True(declared, $"no file under kernel/{room} declares namespace Microkernel.{ns}");
        }
    }

    [Theory]
    [InlineData("using Microkernel.Process;\nnamespace Microkernel.Arch;")]
    [InlineData("namespace Microkernel.Arch { class A { void F() { Process.Threads.Yield(); } } }")]
    [InlineData("namespace Microkernel.Arch { class A { void F() { Microkernel.Console.Log.Write(); } } }")]
    [InlineData("using static Microkernel.Scheduling.Threads;")]
    [InlineData("namespace Microkernel.Arch { class A { Channels.Channel? c; } }")]
    public void The_checker_catches_each_way_of_reaching_up(string source)
    {
        Assert.NotEmpty(Violations(source));
    }

    [Theory]
    [InlineData("using Microkernel.Diagnostics;\nnamespace Microkernel.Arch { class A { void F() { Panic.Fail(); } } }")]
    [InlineData("namespace Microkernel.Arch { /// <summary>Called by Process.Threads, see Console.Log.</summary>\n class A { } }")]
    [InlineData("namespace Microkernel.Arch { // Scheduling.Threads registers this\n class A { } }")]
    public void The_checker_ignores_comments_and_rooms_below(string source)
    {
        Assert.Empty(Violations(source));
    }

    /// <summary>Uses of a forbidden namespace in C# source: using directives and qualified
    /// names (arch's namespace is Microkernel.Arch, so "Process.X" resolves to
    /// Microkernel.Process.X there). Comments do not count.</summary>
    private static IEnumerable<string> Violations(string source)
    {
        string code = Regex.Replace(source, @"//[^\n]*|/\*.*?\*/", "", RegexOptions.Singleline);
        foreach ((string room, string ns) in s_roomsAboveArch)
        {
            foreach (Match m in Regex.Matches(code, $@"(?<![\w.])(global::)?(Microkernel\.)?{ns}\.[A-Za-z_]\w*"))
            {
                yield return $"uses {m.Value} (kernel/{room})";
            }

            foreach (Match m in Regex.Matches(code, $@"using\s+(static\s+)?(\w+\s*=\s*)?(global::)?Microkernel\.{ns}\b"))
            {
                yield return $"'{m.Value}' (kernel/{room})";
            }
        }
    }

    private static string KernelRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "kernel", "Kernel.csproj")))
            {
                return Path.Combine(dir.FullName, "kernel");
            }
        }

        throw new InvalidOperationException("kernel/Kernel.csproj not found above " + AppContext.BaseDirectory);
    }
}
