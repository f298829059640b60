using System;
using System.IO;

namespace Mk;

/// <summary>Where things are: the repository root (found from <c>MK_ROOT</c>, which ./mk
/// sets, else by walking up from the current folder, else from the tool's own folder), its
/// services/ and out/, and the instances folder (<c>--instances</c>, else
/// <c>MK_INSTANCES_DIR</c>, else out/instances).</summary>
public sealed class Workspace
{
    /// <summary>A workspace rooted at <paramref name="root"/>.</summary>
    public Workspace(string root, string? instancesDirectory = null)
    {
        Root = Path.GetFullPath(root);
        InstancesDirectory = Path.GetFullPath(instancesDirectory ?? Path.Combine(Root, "out", "instances"));
    }

    /// <summary>The repository root (holds Makefile and services/).</summary>
    public string Root { get; }

    /// <summary>The catalog of services the repository declares (Services.props).</summary>
    public Manifests.ServiceCatalog LoadServiceCatalog() => Manifests.ServiceCatalog.Load(Root);

    /// <summary>out/: build output; images are out/NAME.elf.</summary>
    public string OutDirectory => Path.Combine(Root, "out");

    /// <summary>out/manifests/: compiled manifests for the Makefile.</summary>
    public string ManifestsDirectory => Path.Combine(OutDirectory, "manifests");

    /// <summary>Where instance state folders live.</summary>
    public string InstancesDirectory { get; }

    /// <summary>How the user runs the tool, for hints: <c>MK_PROG</c> (set by the wrapper
    /// script to its own name), else <c>mk</c>.</summary>
    public static string CommandName =>
        Environment.GetEnvironmentVariable("MK_PROG") is { Length: > 0 } name ? name : "mk";

    /// <summary>Finds the repository; <paramref name="instancesOption"/> is <c>--instances</c>'s value.</summary>
    /// <exception cref="MkException">No repository root can be found.</exception>
    public static Workspace Locate(string? instancesOption)
    {
        string? instances = instancesOption ?? NonEmpty(Environment.GetEnvironmentVariable("MK_INSTANCES_DIR"));
        string? root = NonEmpty(Environment.GetEnvironmentVariable("MK_ROOT"));
        if (root is not null && IsRoot(root))
        {
            return new Workspace(root, instances);
        }

        root = FindUp(Directory.GetCurrentDirectory()) ?? FindUp(AppContext.BaseDirectory);
        if (root is null)
        {
            throw new MkException("cannot find the repository (a folder with a Makefile and services/)",
                $"run {Workspace.CommandName} from the repository, or set MK_ROOT to it");
        }

        return new Workspace(root, instances);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static bool IsRoot(string dir) =>
        File.Exists(Path.Combine(dir, "Makefile")) && Directory.Exists(Path.Combine(dir, "services"));

    private static string? FindUp(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (IsRoot(dir.FullName))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
