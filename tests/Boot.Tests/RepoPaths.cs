using System;
using System.Collections.Concurrent;
using System.IO;

namespace Microkernel.BootTests;

/// <summary>Where the repository, the built images and the symbolizer are.</summary>
public static class RepoPaths
{
    /// <summary>What a missing image or symbolizer tells the reader to do: one line naming
    /// every make target the boot tests need, so a bare <c>dotnet test</c> on a fresh clone
    /// fails with the fix rather than a skip.</summary>
    public const string BuildFirst = "run `make image test-image image-stop-test symbolizer` first";

    private static readonly Lazy<string> s_root = new(FindRoot);

    private static readonly ConcurrentDictionary<string, Lazy<(string Copy, string Source, DateTime Written)>> s_snapshots = new();

    private static readonly Lazy<string> s_snapshotDirectory = new(() =>
    {
        string directory = Directory.CreateTempSubdirectory("boot-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return directory;
    });

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

    /// <summary>A private copy of <c>out/&lt;name&gt;.elf</c>, taken the first time this process
    /// asks for it. Other builds rewrite out/ while tests run; QEMU and the symbolizer must see
    /// the same bytes. Fails with <see cref="BuildFirst"/> when the image is missing.</summary>
    public static string Image(string name) => SnapshotOf(name).Copy;

    /// <summary>Where the copy returned by <see cref="Image"/> came from, and when that file
    /// had last been written at the time of copying.</summary>
    public static string ImageSource(string name)
    {
        (string _, string? source, DateTime written) = SnapshotOf(name);
        return $"{source} (written {written:HH:mm:ss.fff} UTC)";
    }

    private static (string Copy, string Source, DateTime Written) SnapshotOf(string name) =>
        s_snapshots.GetOrAdd(name, n => new Lazy<(string, string, DateTime)>(() => Snapshot(n))).Value;

    /// <summary>The built CrashSymbolizer.dll; fails with <see cref="BuildFirst"/> when it is missing.</summary>
    public static string Symbolizer
    {
        get
        {
            string path = Path.Combine(Out, "tools", "CrashSymbolizer", "CrashSymbolizer.dll");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} does not exist: {BuildFirst}", path);
            }

            return path;
        }
    }

    private static (string Copy, string Source, DateTime Written) Snapshot(string name)
    {
        string path = Path.Combine(Out, name + ".elf");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist: {BuildFirst}", path);
        }

        string copy = Path.Combine(s_snapshotDirectory.Value, name + ".elf");
        DateTime written = File.GetLastWriteTimeUtc(path);
        File.Copy(path, copy);
        return (copy, path, written);
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
