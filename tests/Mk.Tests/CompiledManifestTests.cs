using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MessagePack;
using Mk.Compose;
using Mk.Manifests;
using Xunit;

namespace Mk.Tests;

public sealed class CompiledManifestTests : IDisposable
{
    private readonly string _servicesRoot = Repository.FakeServicesRoot("echo-server", "echo-client", "hello");
    private readonly string _output = Path.Combine(Path.GetTempPath(), "mk-tests-out-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Directory.Delete(_servicesRoot, true);
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, true);
        }
    }

    private ImageManifest Parse(string yaml)
    {
        ManifestParseResult result = ManifestParser.Parse(yaml, "m.yaml", ServiceCatalog.Load(_servicesRoot));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Manifest!;
    }

    private const string Sample = """
        name: my-img
        kernel:
          flavour: test
          cmdline: "loglevel=debug"
        memory: 2G
        smp: 4
        services:
          hello:
            restart: never
            max_restarts: 0
          echo-client:
            after: [echo-server, hello]
            channels:
              - to: echo-server
              - to: hello
          echo-server:
            restart: always
            max_restarts: 100
        """;

    private static List<string> ReadStrings(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        var items = new List<string>();
        for (int i = 0; i < count; i++)
        {
            items.Add(reader.ReadString()!);
        }

        return items;
    }

    [Fact]
    public void Blob_is_one_map_with_the_keys_in_order_and_services_in_start_order()
    {
        byte[] blob = ManifestCompiler.Encode(Parse(Sample));
        var reader = new MessagePackReader(new ReadOnlySequence<byte>(blob));
        Assert.Equal(6, reader.ReadMapHeader());
        Assert.Equal("name", reader.ReadString());
        Assert.Equal("my-img", reader.ReadString());
        Assert.Equal("flavour", reader.ReadString());
        Assert.Equal("test", reader.ReadString());
        Assert.Equal("memory_mib", reader.ReadString());
        Assert.Equal(2048u, reader.ReadUInt32());
        Assert.Equal("smp", reader.ReadString());
        Assert.Equal(4u, reader.ReadUInt32());
        Assert.Equal("cmdline", reader.ReadString());
        Assert.Equal("loglevel=debug", reader.ReadString());
        Assert.Equal("services", reader.ReadString());
        Assert.Equal(3, reader.ReadArrayHeader());
        var expected = new (string Name, string Restart, uint Max, string[] After, string[] Channels)[]
        {
            ("hello", "never", 0, Array.Empty<string>(), Array.Empty<string>()),
            ("echo-server", "always", 100, Array.Empty<string>(), Array.Empty<string>()),
            ("echo-client", "on-failure", 3, new[] { "echo-server", "hello" }, new[] { "echo-server", "hello" }),
        };
        foreach ((string Name, string Restart, uint Max, string[] After, string[] Channels) service in expected)
        {
            Assert.Equal(5, reader.ReadMapHeader());
            Assert.Equal("name", reader.ReadString());
            Assert.Equal(service.Name, reader.ReadString());
            Assert.Equal("restart", reader.ReadString());
            Assert.Equal(service.Restart, reader.ReadString());
            Assert.Equal("max_restarts", reader.ReadString());
            Assert.Equal(service.Max, reader.ReadUInt32());
            Assert.Equal("after", reader.ReadString());
            Assert.Equal(service.After, ReadStrings(ref reader));
            Assert.Equal("channels", reader.ReadString());
            Assert.Equal(service.Channels, ReadStrings(ref reader));
        }
        Assert.True(reader.End);
    }

    [Fact]
    public void Blob_uses_compact_forms()
    {
        byte[] blob = ManifestCompiler.Encode(Parse("name: a\nmemory: 128M\nservices:\n  hello: {}\n"));
        // fixmap of 6, then fixstr "name" (0xa4).
        Assert.Equal(0x86, blob[0]);
        Assert.Equal(0xa4, blob[1]);
        byte[] memoryKey = Encoding.ASCII.GetBytes("memory_mib");
        int at = blob.AsSpan().IndexOf(memoryKey) + memoryKey.Length;
        Assert.Equal(new byte[] { 0xcc, 0x80 }, blob[at..(at + 2)]);             // uint8 128
        byte[] smpKey = Encoding.ASCII.GetBytes("smp");
        Assert.Equal(0x01, blob[blob.AsSpan().IndexOf(smpKey) + smpKey.Length]); // positive fixint
    }

    [Fact]
    public void Services_line_and_make_variables()
    {
        ImageManifest m = Parse(Sample);
        Assert.Equal("hello echo-server echo-client\n", ManifestCompiler.ServicesLine(m));
        string vars = ManifestCompiler.VarsMk(m);
        Assert.Contains("\nIMAGE_MY_IMG_FLAVOUR := test\n", vars);
        Assert.Contains("\nIMAGE_MY_IMG_SERVICES := hello echo-server echo-client\n", vars);
        Assert.Contains("\nIMAGE_MY_IMG_MEMORY := 2G\n", vars);
        Assert.Contains("\nIMAGE_MY_IMG_SMP := 4\n", vars);
    }

    [Fact]
    public void Outputs_are_rewritten_only_when_their_content_changes()
    {
        ImageManifest m = Parse("name: a\nservices:\n  hello: {}\n");
        Assert.Equal(3, ManifestCompiler.WriteOutputs(m, _output).Count);
        string services = Path.Combine(_output, "a.services");
        string blob = Path.Combine(_output, "a.manifest.msgpack");
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (string f in Directory.GetFiles(_output))
        {
            File.SetLastWriteTimeUtc(f, old);
        }

        Assert.Empty(ManifestCompiler.WriteOutputs(m, _output));
        Assert.Equal(old, File.GetLastWriteTimeUtc(services));

        // Memory changes the blob and vars.mk, not the start order.
        ImageManifest bigger = Parse("name: a\nmemory: 256M\nservices:\n  hello: {}\n");
        IReadOnlyList<string> written = ManifestCompiler.WriteOutputs(bigger, _output);
        Assert.Equal(new[] { "a.manifest.msgpack", "a.vars.mk" }, written.Select(Path.GetFileName).Order());
        Assert.Equal(old, File.GetLastWriteTimeUtc(services));
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(blob));
        Assert.Equal(ManifestCompiler.Encode(bigger), File.ReadAllBytes(blob));
        Assert.Empty(Directory.GetFiles(_output, "*.tmp*"));
    }

    [Theory]
    [InlineData("16M", 16u)]
    [InlineData("16384k", 16u)]
    [InlineData("4G", 4096u)]
    [InlineData("1024g", 1048576u)]
    public void Memory_sizes(string text, uint mib)
    {
        Assert.True(MemorySize.TryParseMib(text, out uint parsed, out string error), error);
        Assert.Equal(mib, parsed);
    }

    [Theory]
    [InlineData("15M")]
    [InlineData("1025G")]
    [InlineData("99999999999999999999M")]
    [InlineData("M")]
    [InlineData("-5M")]
    [InlineData("5T")]
    public void Bad_memory_sizes(string text) => Assert.False(MemorySize.TryParseMib(text, out _, out _));

    [Theory]
    [InlineData(128u, "128M")]
    [InlineData(2048u, "2G")]
    [InlineData(1536u, "1536M")]
    public void Memory_format(uint mib, string text) => Assert.Equal(text, MemorySize.Format(mib));
}
