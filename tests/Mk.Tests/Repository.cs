using System;
using System.IO;
using Mk.Manifests;

namespace Mk.Tests;

/// <summary>The repository these tests run in, and folders of fake services.</summary>
internal static class Repository
{
    private static readonly Lazy<string> s_rootPath = new(() =>
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Makefile")) && Directory.Exists(Path.Combine(dir.FullName, "images")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    });

    public static string Root => s_rootPath.Value;

    public static ServiceCatalog RealServices => ServiceCatalog.Load(Root);

    /// <summary>A temporary repository root whose Services.props declares one service per
    /// name, in folders of different depths (as services/, examples/ and tests/services/ are),
    /// beside a folder with a project that is not declared and must not count.</summary>
    public static string FakeServicesRoot(params string[] names)
    {
        string root = Path.Combine(Path.GetTempPath(), "mk-tests-services-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "not-a-service"));
        File.WriteAllText(Path.Combine(root, "not-a-service", "Fake.csproj"), "<Project />");
        var items = new System.Text.StringBuilder();
        for (int i = 0; i < names.Length; i++)
        {
            string folder = (i % 2 == 0 ? "services/" : "tests/services/") + names[i];
            items.Append("    <ServiceProject Include=\"").Append(folder).Append("\" />\n");
        }
        File.WriteAllText(Path.Combine(root, ServiceCatalog.DeclarationFileName),
            "<Project>\n  <ItemGroup>\n" + items + "  </ItemGroup>\n</Project>\n");
        return root;
    }
}
