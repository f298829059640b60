using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using MessagePack;
using Microkernel.Tests;
using Mk.Klog;
using Xunit;

namespace Mk.Tests;

public class KlogDecoderTests
{
    /// <summary>The export framing, written independently of the decoder: 0xA5 0x5A, u16 LE
    /// length, MessagePack array [seq, time_ns, cpu, level, source, text, dropped].</summary>
    internal static byte[] Frame(KlogRecord r)
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        writer.WriteArrayHeader(7);
        writer.Write(r.Sequence);
        writer.Write(r.TimeNs);
        writer.Write(r.Cpu);
        writer.Write(r.Level);
        writer.Write(r.Source);
        writer.Write(r.Text);
        writer.Write(r.Dropped);
        writer.Flush();
        int length = payload.WrittenCount;
        return new byte[] { 0xA5, 0x5A, (byte)length, (byte)(length >> 8) }.Concat(payload.WrittenSpan.ToArray()).ToArray();
    }

    private static readonly Gen<ulong> s_ulongs =
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        from small in Gen.Choose(0, 300)
        from pick in Gen.Choose(0, 2)
        select pick == 0 ? (ulong)small : ((ulong)(uint)high << 32) | (uint)low;

    private static readonly Gen<string> s_texts =
        from length in Gen.Frequency((5, Gen.Choose(0, 40)), (1, Gen.Choose(0, 2000)))
        from chars in Gen.ArrayOf(Gen.Elements("abcxyz019 :=-_.[]é€\u00a5\u005a\n\t".ToCharArray()), length)
        select new string(chars);

    private static readonly Gen<KlogRecord> s_records =
        from seq in s_ulongs
        from time in s_ulongs
        from cpu in Gen.Choose(0, 300)
        from level in Gen.Choose(0, 5)
        from source in s_texts
        from text in s_texts
        from dropped in s_ulongs
        select new KlogRecord(seq, time, (uint)cpu, (uint)level, source, text, dropped);

    // s_garbage never holds 0xA5, so it cannot start a false frame and every byte of it must
    // be counted as skipped.
    private static readonly Gen<byte[]> s_garbage =
        from length in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 50)))
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Where(b => b != 0xA5).Select(b => (byte)b), length)
        select bytes;

    private static (List<KlogRecord> Records, KlogDecoder Decoder) DecodeInChunks(byte[] stream, int[] cuts)
    {
        var decoder = new KlogDecoder();
        var records = new List<KlogRecord>();
        var pending = new List<byte>();
        int offset = 0;
        foreach (int cut in cuts.Append(stream.Length).Where(c => c >= 0 && c <= stream.Length).Order())
        {
            pending.AddRange(stream[offset..cut]);
            offset = cut;
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            SequencePosition used = decoder.Decode(buffer, isFinal: false, records);
            pending.RemoveRange(0, (int)buffer.Slice(0, used).Length);
        }
        var rest = new ReadOnlySequence<byte>(pending.ToArray());
        Assert.Equal(rest.End, decoder.Decode(rest, isFinal: true, records));
        return (records, decoder);
    }

    [Fact]
    public void Random_records_round_trip_with_garbage_between_and_any_chunking()
    {
        Gen<(KlogRecord[] Records, byte[][] Garbage, int[] Cuts)> cases =
            from n in Gen.Choose(0, 12)
            from records in Gen.ArrayOf(s_records, n)
            from garbage in Gen.ArrayOf(s_garbage, n + 1)
            from cuts in Gen.ArrayOf(Gen.Choose(0, 4000), 6)
            select (records, garbage, cuts);
        PropertyCheck.ForAll(cases, c =>
        {
            var stream = new List<byte>(c.Garbage[0]);
            for (int i = 0; i < c.Records.Length; i++)
            {
                stream.AddRange(Frame(c.Records[i]));
                stream.AddRange(c.Garbage[i + 1]);
            }
            (List<KlogRecord> decoded, KlogDecoder decoder) = DecodeInChunks(stream.ToArray(), c.Cuts);
            Assert.Equal(c.Records, decoded);
            Assert.Equal(c.Garbage.Sum(g => (long)g.Length), decoder.SkippedBytes);
            Assert.Equal(c.Records.Length, decoder.RecordCount);
        }, cases: 300);
    }

    [Fact]
    public void False_headers_and_broken_frames_cost_no_good_record()
    {
        var a = new KlogRecord(1, 1_500_000_000, 0, 1, "kernel", "first", 0);
        var b = new KlogRecord(2, 1_600_000_000, 1, 3, "proc", "second", 0);
        byte[] wrongShape = { 0xA5, 0x5A, 4, 0, 0x93, 1, 2, 3 };           // a 3-item array
        byte[] notMsgpack = { 0xA5, 0x5A, 2, 0, 0xC1, 0xC1 };               // 0xc1 is never used
        byte[] hugeLength = { 0xA5, 0x5A, 0xFF, 0xFF, 1, 2, 3 };            // promises 64 KiB
        byte[] truncated = Frame(a)[..^3];                                    // the writer stopped mid-frame
        byte[] stream = wrongShape.Concat(Frame(a)).Concat(notMsgpack).Concat(hugeLength)
            .Concat(Frame(b)).Concat(truncated).ToArray();
        (List<KlogRecord> decoded, KlogDecoder decoder) = DecodeInChunks(stream, new[] { 3, 9, 40 });
        Assert.Equal(new[] { a, b }, decoded);
        Assert.Equal(stream.Length - Frame(a).Length - Frame(b).Length, decoder.SkippedBytes);
    }

    [Fact]
    public void Incomplete_frame_waits_for_more_bytes()
    {
        byte[] frame = Frame(new KlogRecord(7, 0, 0, 0, "s", "t", 0));
        var decoder = new KlogDecoder();
        var records = new List<KlogRecord>();
        var partial = new ReadOnlySequence<byte>(frame[..^1]);
        Assert.Equal(partial.Start, decoder.Decode(partial, isFinal: false, records));
        Assert.Empty(records);
        Assert.Equal(0, decoder.SkippedBytes);
        var whole = new ReadOnlySequence<byte>(frame);
        Assert.Equal(whole.End, decoder.Decode(whole, isFinal: false, records));
        Assert.Single(records);
    }

    [Fact]
    public void Extra_array_items_are_ignored_for_later_format_additions()
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        writer.WriteArrayHeader(8);
        writer.Write(1); writer.Write(2); writer.Write(0); writer.Write(1);
        writer.Write("src"); writer.Write("text"); writer.Write(0); writer.Write("future");
        writer.Flush();
        Assert.True(KlogDecoder.TryParsePayload(new ReadOnlySequence<byte>(payload.WrittenMemory), out KlogRecord? record));
        Assert.Equal("text", record!.Text);
    }

    [Fact]
    public void Record_prints_like_dmesg()
    {
        Assert.Equal("[   1.234567] cpu0 info kernel: hello",
            new KlogRecord(0, 1_234_567_891, 0, 1, "kernel", "hello", 0).Format());
        Assert.Equal("[12345.000001] cpu3 level9 echo-server: x",
            new KlogRecord(0, 12_345_000_001_000, 3, 9, "echo-server", "x", 0).Format());
    }

    [Fact]
    public void Printer_filters_and_warns_when_drops_grow()
    {
        var output = new StringWriter { NewLine = "\n" };
        var printer = new KlogPrinter(output, new KlogFilter(2, new[] { "proc" }, 2_000_000_000));
        printer.Print(new KlogRecord(1, 3_000_000_000, 0, 3, "proc", "kept", 0));
        printer.Print(new KlogRecord(2, 3_000_000_000, 0, 1, "proc", "low level", 0));
        printer.Print(new KlogRecord(9, 3_000_000_000, 0, 3, "mm", "other source", 6));
        printer.Print(new KlogRecord(10, 1_000_000_000, 0, 3, "proc", "too early", 6));
        printer.Print(new KlogRecord(11, 4_000_000_000, 1, 2, "proc", "after drops", 8));
        Assert.Equal(
            "[   3.000000] cpu0 error proc: kept\n" +
            "warning: klog dropped 6 record(s) before seq 9 (6 in all)\n" +
            "warning: klog dropped 2 record(s) before seq 11 (8 in all)\n" +
            "[   4.000000] cpu1 warning proc: after drops\n", output.ToString());
        Assert.Equal(2, printer.Printed);
    }

    [Theory]
    [InlineData("debug", 0u)]
    [InlineData("INFO", 1u)]
    [InlineData("warn", 2u)]
    [InlineData("error", 3u)]
    [InlineData("2", 2u)]
    public void Level_names(string text, uint level)
    {
        Assert.True(KlogRecord.TryParseLevel(text, out uint parsed));
        Assert.Equal(level, parsed);
    }

    [Fact]
    public async Task Follower_reads_a_growing_file_until_its_writer_is_gone()
    {
        string path = Path.Combine(Path.GetTempPath(), "mk-tests-follow-" + Guid.NewGuid().ToString("N"));
        KlogRecord[] records = Enumerable.Range(0, 50).Select(i => new KlogRecord((ulong)i, (ulong)i * 1000, 0, 1, "t", "record " + i, 0)).ToArray();
        int writing = 1;
        var writer = Task.Run(async () =>
        {
            await Task.Delay(150); // the reader starts before the file exists
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
            {
                foreach (KlogRecord r in records)
                {
                    byte[] frame = Frame(r);
                    await file.WriteAsync(frame.AsMemory(0, 5)); // split frames across writes
                    await file.FlushAsync();
                    await Task.Delay(2);
                    await file.WriteAsync(frame.AsMemory(5));
                    await file.FlushAsync();
                }
            }
            Volatile.Write(ref writing, 0);
        });
        try
        {
            var decoder = new KlogDecoder();
            var decoded = new List<KlogRecord>();
            await Mk.FileFollower.ReadAsync(path, follow: true, () => Volatile.Read(ref writing) == 1,
                (buffer, isFinal) => decoder.Decode(buffer, isFinal, decoded), CancellationToken.None);
            await writer;
            Assert.Equal(records, decoded);
            Assert.Equal(0, decoder.SkippedBytes);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
