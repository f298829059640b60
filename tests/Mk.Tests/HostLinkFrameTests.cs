using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Services.HostLinking;
using Microkernel.Tests;
using Mk.HostLink;
using Xunit;

namespace Mk.Tests;

/// <summary>The host link's frames: the CLI's requests (MessagePack library) are what the
/// guest's parser (services/hostlink, over ipc/'s reader) reads, and the guest's replies
/// are what the CLI decodes — byte streams with klog records and garbage in between.</summary>
public class HostLinkFrameTests
{
    [Fact]
    public void A_request_from_the_cli_is_read_by_the_guest()
    {
        byte[] frame = HostLinkClient.EncodeGet(7, "kernel/memory/free-kib");
        int used = HostLinkFrames.TryReadRequest(frame, out uint id, out ReadOnlySpan<byte> op, out ReadOnlySpan<byte> name, out bool valid);
        Assert.Equal(frame.Length, used);
        Assert.True(valid);
        Assert.Equal(7u, id);
        Assert.Equal("get", System.Text.Encoding.UTF8.GetString(op));
        Assert.Equal("kernel/memory/free-kib", System.Text.Encoding.UTF8.GetString(name));
    }

    [Fact]
    public void An_incomplete_request_waits_for_more_bytes()
    {
        byte[] frame = HostLinkClient.EncodeGet(1, "store/self/version");
        for (int cut = 0; cut < frame.Length; cut++)
        {
            int used = HostLinkFrames.TryReadRequest(frame.AsSpan(0, cut), out _, out _, out _, out bool valid);
            Assert.False(valid);
            Assert.True(used < Math.Max(1, cut) || cut == 0, $"cut {cut} consumed {used}");
        }
    }

    [Fact]
    public void Replies_from_the_guest_are_decoded_among_klog_records_and_garbage()
    {
        PropertyCheck.ForAll(
            from id in Gen.Choose(0, 1_000_000)
            from status in Gen.Elements(0, 1, 2, 3)
            from value in Gen.Elements("", "42", "-7", "true", "a longer text value")
            from noise in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
            from split in Gen.Choose(0, 64)
            select (id, status, value, noise, split),
            c =>
            {
                byte[] frame = new byte[300];
                int n = HostLinkFrames.WriteReply(frame, (uint)c.id, (uint)c.status, "kernel/proc/live"u8, "unsigned"u8, System.Text.Encoding.UTF8.GetBytes(c.value));
                Assert.True(n > 0);
                byte[] klogLike = { 0xA5, 0x5A, 3, 0, 0x93, 1, 2 };
                byte[] stream = c.noise.Where(b => b != 0xA5).Concat(klogLike).Concat(frame.Take(n)).ToArray();
                var pending = new List<byte>();
                var replies = new List<HostLinkReply>();
                int at = Math.Min(c.split, stream.Length);
                pending.AddRange(stream.Take(at));
                replies.AddRange(HostLinkClient.DecodeReplies(pending));
                pending.AddRange(stream.Skip(at));
                replies.AddRange(HostLinkClient.DecodeReplies(pending));
                HostLinkReply reply = Assert.Single(replies);
                Assert.Equal(new HostLinkReply((uint)c.id, (uint)c.status, "kernel/proc/live", "unsigned", c.value), reply);
            });
    }
}
