using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using MessagePack;
using Microkernel.Services.Supervision;
using Microkernel.Tests;
using Xunit;

namespace Microkernel.Supervisor.Tests;

/// <summary>The supervisor's manifest reader against blobs written by the MessagePack
/// library in the format `./mk compose` writes (images/README.md).</summary>
public class ImageManifestTests
{
    private sealed record Service(string Name, string Restart, uint MaxRestarts, string[] After, string[] Channels);

    private static byte[] Encode(IReadOnlyList<Service> services, bool includeHeader = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(includeHeader ? 6 : 1);
        if (includeHeader)
        {
            writer.Write("name"); writer.Write("t");
            writer.Write("flavour"); writer.Write("default");
            writer.Write("memory_mib"); writer.Write(128u);
            writer.Write("smp"); writer.Write(1u);
            writer.Write("cmdline"); writer.Write("");
        }
        writer.Write("services");
        writer.WriteArrayHeader(services.Count);
        foreach (Service s in services)
        {
            writer.WriteMapHeader(5);
            writer.Write("name"); writer.Write(s.Name);
            writer.Write("restart"); writer.Write(s.Restart);
            writer.Write("max_restarts"); writer.Write(s.MaxRestarts);
            writer.Write("after"); writer.WriteArrayHeader(s.After.Length); foreach (string a in s.After)
            {
                writer.Write(a);
            }

            writer.Write("channels"); writer.WriteArrayHeader(s.Channels.Length); foreach (string c in s.Channels)
            {
                writer.Write(c);
            }
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Reads_the_default_images_services_in_order_with_their_links()
    {
        byte[] blob = Encode(new[]
        {
            new Service("echo-server", "on-failure", 3, [], []),
            new Service("echo-client", "never", 0, ["echo-server"], ["echo-server"]),
            new Service("hello", "always", 5, [], []),
        });
        Assert.True(ImageManifest.TryRead(blob, out ServicePlan[] plans, out string reason), reason);
        Assert.Equal(["echo-server", "echo-client", "hello"], plans.Select(p => System.Text.Encoding.UTF8.GetString(p.Name)));
        Assert.Equal([RestartPolicy.OnFailure, RestartPolicy.Never, RestartPolicy.Always], plans.Select(p => p.Restart));
        Assert.Equal([3, 0, 5], plans.Select(p => p.MaxRestarts));
        Assert.Equal([0], plans[1].Servers);
        Assert.Equal([0], plans[1].After);
        Assert.Empty(plans[0].Servers);
    }

    [Theory]
    [InlineData("unknown-peer", "a channel names an unknown service")]
    [InlineData("self", "a channel names an unknown service")]
    public void A_channel_to_an_unknown_service_or_to_itself_is_refused(string peer, string expected)
    {
        byte[] blob = Encode(new[] { new Service("self", "on-failure", 3, [], [peer]) });
        Assert.False(ImageManifest.TryRead(blob, out _, out string reason));
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("")]
    public void An_unknown_restart_policy_is_refused(string policy)
    {
        Assert.False(ImageManifest.TryRead(Encode(new[] { new Service("a", policy, 3, [], []) }), out _, out string reason));
        Assert.Equal("unknown restart policy", reason);
    }

    [Fact]
    public void Too_many_services_or_restarts_are_refused()
    {
        Service[] many = Enumerable.Range(0, ImageManifest.MaxServices + 1).Select(i => new Service($"s{i}", "never", 0, [], [])).ToArray();
        Assert.False(ImageManifest.TryRead(Encode(many), out _, out _));
        Assert.False(ImageManifest.TryRead(Encode(new[] { new Service("a", "never", 101, [], []) }), out _, out _));
    }

    [Fact]
    public void A_blob_without_services_or_not_a_map_is_refused()
    {
        Assert.False(ImageManifest.TryRead(Array.Empty<byte>(), out _, out _));
        Assert.False(ImageManifest.TryRead(new byte[] { 0x90 }, out _, out _));
        Assert.False(ImageManifest.TryRead(new byte[] { 0x81, 0xA1, (byte)'x', 0x01 }, out _, out string reason));
        Assert.Equal("no services", reason);
    }

    /// <summary>Random DAG-shaped manifests (links only to earlier services) read back
    /// exactly: names, policies, and link indices.</summary>
    [Fact]
    public void Random_manifests_read_back_exactly()
    {
        string[] policies = ["always", "on-failure", "never"];
        Gen<Service[]> manifests =
            from count in Gen.Choose(1, ImageManifest.MaxServices)
            from seeds in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), count * 4)
            select Enumerable.Range(0, count).Select(i =>
            {
                int seed = seeds[i * 4];
                string[] earlier = Enumerable.Range(0, i).Where(j => (seeds[i * 4 + 1] >> (j % 30) & 1) == 1).Take(8).Select(j => $"svc-{j}").ToArray();
                string[] servers = earlier.Where((_, k) => (seeds[i * 4 + 2] >> k & 1) == 1).ToArray();
                return new Service($"svc-{i}", policies[seed % 3], (uint)(seeds[i * 4 + 3] % 101), earlier, servers);
            }).ToArray();
        PropertyCheck.ForAll(manifests, services =>
        {
            Assert.True(ImageManifest.TryRead(Encode(services), out ServicePlan[] plans, out string reason), reason);
            Assert.Equal(services.Length, plans.Length);
            for (int i = 0; i < services.Length; i++)
            {
                Assert.Equal(services[i].Name, System.Text.Encoding.UTF8.GetString(plans[i].Name));
                Assert.Equal((int)services[i].MaxRestarts, plans[i].MaxRestarts);
                Assert.Equal(services[i].After.Select(n => int.Parse(n[4..])), plans[i].After);
                Assert.Equal(services[i].Channels.Select(n => int.Parse(n[4..])), plans[i].Servers);
            }
        });
    }

    /// <summary>Any corruption of a good blob (flips, truncation, garbage) gives true or
    /// false with a reason, never an exception.</summary>
    [Fact]
    public void Corrupted_blobs_never_throw()
    {
        byte[] good = Encode(new[]
        {
            new Service("echo-server", "on-failure", 3, [], []),
            new Service("echo-client", "never", 0, ["echo-server"], ["echo-server"]),
        });
        Gen<byte[]> mutated =
            from flips in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, good.Length - 1), Gen.Choose(0, 255)))
            from cut in Gen.Choose(0, good.Length)
            select ((Func<byte[]>)(() =>
            {
                byte[] copy = (byte[])good.Clone();
                foreach ((int at, int value) in flips)
                {
                    copy[at] = (byte)value;
                }

                return copy.AsSpan(0, cut).ToArray();
            }))();
        PropertyCheck.ForAll(mutated, blob =>
        {
            bool ok = ImageManifest.TryRead(blob, out ServicePlan[] plans, out string reason);
            if (ok)
            {
                Assert.All(plans, p => Assert.NotEmpty(p.Name));
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(reason));
            }
        });
    }
}
