using System;
using System.IO;

namespace Microkernel.Abi.Tests;

/// <summary>Paths into the source tree the tests read (abi/, sdk/userlib/).</summary>
internal static class Repository
{
    private static readonly Lazy<string> s_rootPath = new Lazy<string>(FindRoot);

    /// <summary>The repository root: the nearest folder above the test binary with abi/SystemCallTable.cs.</summary>
    public static string Root => s_rootPath.Value;

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "abi", "SystemCallTable.cs")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("no abi/SystemCallTable.cs above " + AppContext.BaseDirectory);
    }
}
