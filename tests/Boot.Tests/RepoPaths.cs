using System;
using System.IO;

namespace Microkernel.BootTests;

/// <summary>Where the repository, the built images and the symbolizer are.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The repository root: the nearest ancestor of the test binaries holding both
    /// <c>Makefile</c> and <c>global.json</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>The build output folder: <c>$MK_OUT</c> when set, else <c>&lt;root&gt;/out</c>.</summary>
    public static string Out
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable("MK_OUT");
            return string.IsNullOrEmpty(overridden) ? Path.Combine(Root, "out") : Path.GetFullPath(overridden);
        }
    }

    /// <summary>The path of <c>out/&lt;name&gt;.elf</c>; fails with the make target to run when it is missing.</summary>
    public static string Image(string name)
    {
        string path = Path.Combine(Out, name + ".elf");
        if (!File.Exists(path))
        {
            string target = name == "default" ? "image" : name + "-image";
            throw new FileNotFoundException($"{path} does not exist; build it with `make {target}`.", path);
        }

        return path;
    }

    /// <summary>The built CrashSymbolizer.dll; fails with the make target to run when it is missing.</summary>
    public static string Symbolizer
    {
        get
        {
            string path = Path.Combine(Out, "tools", "CrashSymbolizer", "CrashSymbolizer.dll");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} does not exist; build it with `make symbolizer`.", path);
            }

            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Makefile")) && File.Exists(Path.Combine(dir.FullName, "global.json")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"no directory above {AppContext.BaseDirectory} holds both Makefile and global.json");
    }
}
