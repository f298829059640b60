using System;
using System.IO;
using Mk.Manifests;

namespace Mk.Tests;

/// <summary>The repository these tests run in, and folders of fake services.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Makefile")) && Directory.Exists(Path.Combine(dir.FullName, "images")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static ServiceCatalog RealServices => ServiceCatalog.FromDirectory(Path.Combine(Root, "services"));

    /// <summary>A temporary services/ folder holding a folder with a .csproj per name, and
    /// one folder without (like userlib) that must not count.</summary>
    public static string FakeServicesRoot(params string[] names)
    {
        string root = Path.Combine(Path.GetTempPath(), "mk-tests-services-" + Guid.NewGuid().ToString("N"));
        foreach (string name in names)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "Fake.csproj"), "<Project />");
        }
        Directory.CreateDirectory(Path.Combine(root, "not-a-service"));
        File.WriteAllText(Path.Combine(root, "not-a-service", "Code.cs"), "");
        return root;
    }
}
