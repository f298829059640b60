using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.Services.Klog;
using Microkernel.Tests;
using Xunit;

namespace Microkernel.Klog.Tests;

/// <summary>klog's console mirror: the records services send are shown as the kernel shows
/// its own lines, one record per line, only at or above the console threshold, and a console
/// that refuses silences the mirror instead of failing writes.</summary>
public sealed unsafe class KlogConsoleMirrorTests
{
    private sealed class Lines : IConsoleLines
    {
        public readonly List<string> Written = new();
        public bool Refuse;
        public int Attempts;

        public bool WriteLine(ReadOnlySpan<byte> line)
        {
            Attempts++;
            if (Refuse)
            {
                return false;
            }

            Written.Add(Encoding.UTF8.GetString(line));
            return true;
        }
    }

    [Fact]
    public void Kept_records_written_over_a_channel_are_shown_with_their_source()
    {
        var console = new Lines();
        var mirror = new KlogConsoleMirror(console);
        using var channel = new SessionChannel(mirror);
        channel.Session.SetPeer("echo-client"u8);
        ServerEndpoint server = channel.Server;
        KlogClient client = channel.Client;
        client.TrySendWrite(new KlogWriteRequest { Level = KlogLevel.Info, Text = "100 calls answered correctly"u8 }, out _);
        client.TrySendWrite(new KlogWriteRequest { Level = KlogLevel.Debug, Text = "below the threshold"u8 }, out _);
        client.TrySendWrite(new KlogWriteRequest { Level = (KlogLevel)9, Text = "no such level"u8 }, out _);
        client.TrySendWrite(new KlogWriteRequest { Level = KlogLevel.Error, Source = "other"u8, Text = "two\nlines"u8 }, out _);
        client.Endpoint.Flush();
        server.TryServe(10, out int served);
        Assert.Equal(4, served);
        Assert.Equal(new[] { "[info] echo-client: 100 calls answered correctly", "[error] other: two lines" }, console.Written);
        Assert.Equal(2UL, mirror.Shown);
    }

    [Fact]
    public void The_console_threshold_is_its_own_and_off_shows_nothing()
    {
        var console = new Lines();
        var mirror = new KlogConsoleMirror(console) { Threshold = (byte)KlogLevel.Warning };
        mirror.Show((byte)KlogLevel.Info, "s"u8, "quiet"u8);
        mirror.Show((byte)KlogLevel.Warning, "s"u8, "loud"u8);
        mirror.Threshold = KlogConsoleMirror.Off;
        mirror.Show((byte)KlogLevel.Error, "s"u8, "silenced"u8);
        Assert.Equal(new[] { "[warn] s: loud" }, console.Written);
    }

    [Fact]
    public void A_refusing_console_silences_the_mirror_after_one_attempt()
    {
        var console = new Lines { Refuse = true };
        var mirror = new KlogConsoleMirror(console);
        mirror.Show((byte)KlogLevel.Info, "s"u8, "one"u8);
        mirror.Show((byte)KlogLevel.Error, "s"u8, "two"u8);
        Assert.False(mirror.Working);
        Assert.Equal(1, console.Attempts);
        Assert.Equal(0UL, mirror.Shown);
    }

    /// <summary>Any level, source and text: one line "[level] source: text", line ends in the
    /// text turned into spaces, never longer than the largest record allows.</summary>
    [Fact]
    public void Format_gives_one_bounded_line_for_any_record()
    {
        Gen<(int level, string source, byte[] text)> gen =
            from level in Gen.Choose(0, 3)
            from source in Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-".ToCharArray()).ArrayOf().Select(c => new string(c.Take(32).ToArray()))
            from text in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(b => b.Take(480).ToArray())
            select (level, source, text);
        PropertyCheck.ForAll(gen, c =>
        {
            byte[] line = new byte[KlogConsoleMirror.MaxLineBytes];
            int n = KlogConsoleMirror.Format((byte)c.level, Encoding.ASCII.GetBytes(c.source), c.text, line);
            string name = new[] { "debug", "info", "warn", "error" }[c.level];
            byte[] expected = Encoding.ASCII.GetBytes($"[{name}] {c.source}: ")
                .Concat(c.text.Select(b => b == (byte)'\n' || b == (byte)'\r' ? (byte)' ' : b)).ToArray();
            Assert.Equal(expected, line.AsSpan(0, n).ToArray());
            Assert.DoesNotContain((byte)'\n', line.AsSpan(0, n).ToArray());
        });
    }
}
