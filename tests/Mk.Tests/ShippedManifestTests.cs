using System;
using System.IO;
using System.Linq;
using Mk.Manifests;
using Xunit;

namespace Mk.Tests;

public class ShippedManifestTests
{
    private static ImageManifest Load(string name)
    {
        ManifestParseResult result = ManifestParser.Load(Path.Combine(Repository.Root, "images", name + ".yaml"), Repository.RealServices);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Manifest!;
    }

    private static string[] Order(ImageManifest m) => m.StartOrder.Select(s => s.Name).ToArray();

    [Fact]
    public void Default_starts_the_server_before_its_client()
    {
        ImageManifest m = Load("default");
        Assert.Equal("default", m.Name);
        Assert.Equal("default", m.Flavour);
        Assert.Equal(128u, m.MemoryMib);
        Assert.Equal(1u, m.Smp);
        Assert.Equal(new[] { "store", "klog", "echo-server", "echo-client", "hello", "hostlink" }, Order(m));
        Assert.Equal(new[] { "log-read", "log-export", "console" }, m.Services.Single(s => s.Name == "klog").Rights);
        Assert.Equal(new[] { "store", "klog" }, m.Services.Single(s => s.Name == "hostlink").Channels);
        ServiceSpec client = m.Services.Single(s => s.Name == "echo-client");
        Assert.Equal(new[] { "echo-server", "klog" }, client.After);
        Assert.Equal(new[] { "echo-server", "klog" }, client.Channels);
        // Every service but klog logs through klog; the store, which klog needs first, without an `after`.
        Assert.All(m.Services.Where(s => s.Name != "klog"), s => Assert.Contains("klog", s.Channels));
        Assert.DoesNotContain("klog", m.Services.Single(s => s.Name == "store").After);
        ServiceSpec server = m.Services.Single(s => s.Name == "echo-server");
        Assert.Equal(RestartPolicy.OnFailure, server.Restart);
        Assert.Equal(3u, server.MaxRestarts);
    }

    [Fact]
    public void Test_image_runs_the_supervisor_case_services()
    {
        // kernel/tests/SupervisorTests.cs counts on exactly these: echo-server killed
        // mid-call and restarted, echo-reconnect its client, crasher restarted 3 times.
        ImageManifest m = Load("test");
        Assert.Equal("test", m.Flavour);
        Assert.Equal(64u, m.MemoryMib);
        Assert.Equal(new[] { "echo-server", "echo-reconnect", "crasher", "hello" }, Order(m));
        Assert.Equal(new[] { "echo-server" }, m.Services.Single(s => s.Name == "echo-reconnect").Channels);
        ServiceSpec crasher = m.Services.Single(s => s.Name == "crasher");
        Assert.Equal(RestartPolicy.OnFailure, crasher.Restart);
        Assert.True(crasher.MaxRestarts >= 3);
        Assert.True(m.Services.Single(s => s.Name == "echo-server").MaxRestarts >= 1);
    }

    [Fact]
    public void Minimal_has_only_hello_in_32M()
    {
        ImageManifest m = Load("minimal");
        Assert.Equal(new[] { "hello" }, Order(m));
        Assert.Equal(32u, m.MemoryMib);
        Assert.Equal("default", m.Flavour);
        Assert.Equal("", m.Cmdline);
    }

    [Fact]
    public void Catalog_holds_only_declared_services()
    {
        string root = Repository.FakeServicesRoot("a", "b-c");
        try
        {
            Assert.Equal(new[] { "a", "b-c" }, ServiceCatalog.Load(root).Names);
            Assert.Equal("tests/services/b-c", ServiceCatalog.Load(root).FolderOf("b-c"));
            Assert.DoesNotContain("not-a-service", ServiceCatalog.Load(root).Names);
            Assert.DoesNotContain("userlib", Repository.RealServices.Names);
            Assert.DoesNotContain("contracts", Repository.RealServices.Names);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Two_services_with_one_name_are_refused()
    {
        string root = Repository.FakeServicesRoot("twin");
        try
        {
            File.WriteAllText(Path.Combine(root, ServiceCatalog.DeclarationFileName),
                "<Project><ItemGroup><ServiceProject Include=\"services/twin\" /><ServiceProject Include=\"examples/twin\" /></ItemGroup></Project>");
            InvalidDataException e = Assert.Throws<InvalidDataException>(() => ServiceCatalog.Load(root));
            Assert.Contains("'twin'", e.Message);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>Services.props and the tree agree: every project that is built as a service
    /// (imports sdk/Service.props) is declared, and every declared folder holds one project.</summary>
    [Fact]
    public void Every_service_project_is_declared_once_and_every_declaration_has_a_project()
    {
        ServiceCatalog catalog = Repository.RealServices;
        var declared = catalog.Names.Select(catalog.FolderOf).ToHashSet(StringComparer.Ordinal);
        var built = Directory.EnumerateFiles(Repository.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains(Path.DirectorySeparatorChar + "out" + Path.DirectorySeparatorChar))
            .Where(p => File.ReadAllText(p).Contains("sdk/Service.props", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(p)!).Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(built.Except(declared));
        Assert.Empty(declared.Except(built));
        Assert.Contains("supervisor", catalog.Names);
        Assert.Equal("examples/hello", catalog.FolderOf("hello"));
    }
}
