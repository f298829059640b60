using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Mk.Tests;

/// <summary>
/// The repository's own promises about its shape (issue 13): one solution lists every
/// project, every package version is declared once in Directory.Packages.props, and every
/// folder that holds a project says what it is in a README.md. Each fact is read from the
/// files, so a project added without its solution entry, version pin or README fails here.
/// </summary>
public sealed class RepositoryLayoutTests
{
    /// <summary>Projects that are deliberately outside the solution, with the reason.</summary>
    private static readonly Dictionary<string, string> s_notInSolution = new(StringComparer.Ordinal)
    {
        // Built only by make-fixture.sh in a copy of its own; its project name is the
        // kernel's, so inside the solution both would share out/obj/Kernel.
        ["tests/Tools.Tests/fixtures/nativeaot/Kernel.csproj"] = "a NativeAOT fixture",
    };

    private static IEnumerable<string> Projects() =>
        Directory.EnumerateFiles(Repository.Root, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Repository.Root, p).Replace('\\', '/'))
            .Where(p => !p.StartsWith("out/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void The_solution_lists_every_project()
    {
        string solution = File.ReadAllText(Path.Combine(Repository.Root, "Microkernel.sln"));
        var listed = Regex.Matches(solution, "\"([^\"]+\\.csproj)\"")
            .Select(m => m.Groups[1].Value.Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        string[] missing = Projects().Where(p => !listed.Contains(p) && !s_notInSolution.ContainsKey(p)).ToArray();
        Assert.True(missing.Length == 0, "not in Microkernel.sln: " + string.Join(", ", missing));
        Assert.Contains("kernel/Kernel.csproj", listed);
    }

    [Fact]
    public void No_project_pins_a_package_version()
    {
        string[] pinned = Projects()
            .Where(p => Regex.IsMatch(File.ReadAllText(Path.Combine(Repository.Root, p)), "<PackageReference\\b[^>]*\\bVersion="))
            .ToArray();
        Assert.True(pinned.Length == 0, "pin a version in Directory.Packages.props instead: " + string.Join(", ", pinned));
        Assert.Contains("<ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>",
            File.ReadAllText(Path.Combine(Repository.Root, "Directory.Packages.props")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_project_folder_has_a_readme()
    {
        string[] bare = Projects()
            .Select(p => Path.GetDirectoryName(p)!)
            .Distinct(StringComparer.Ordinal)
            .Where(d => !File.Exists(Path.Combine(Repository.Root, d, "README.md")))
            .ToArray();
        Assert.True(bare.Length == 0, "no README.md in: " + string.Join(", ", bare));
    }
}
