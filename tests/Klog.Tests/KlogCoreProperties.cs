using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Ipc;
using Microkernel.Logging;
using Microkernel.Services.Contracts;
using Microkernel.Services.Klog;
using Microkernel.Tests;
using Mk.Klog;
using Xunit;
using KlogLevel = Microkernel.Services.Contracts.KlogLevel;

namespace Microkernel.Klog.Tests;

public enum CoreOpKind { Write, Export, Threshold }

/// <summary>One step: a write from source <c>Source</c> (its sequence repeated or skipped now
/// and then), an export of up to <c>Count</c> frames, or a new threshold.</summary>
public sealed record CoreOp(CoreOpKind Kind, int Source, int Level, int TextLength, int SequenceStep, int Count)
{
    public override string ToString() => $"{Kind}(src={Source}, level={Level}, text={TextLength}, step={SequenceStep}, n={Count})";
}

/// <summary>
/// klog's core against a model: three writers and kernel records into a small ring (so the
/// oldest are dropped all the time), exports in between, threshold changes. The model keeps a
/// queue of (source, size); after every step each source's received, filtered, exported and
/// dropped counts, the order violations and gaps, and every exported frame — decoded by the
/// host's own decoder (tools/Mk/Klog) — must match, and the accounting check must stay 0.
/// </summary>
public sealed unsafe class KlogCoreProperties
{
    private static readonly string[] s_sources = { "flood-a", "flood-b", "net" };

    private static Gen<CoreOp> Op() =>
        from kind in Gen.Frequency((8, Gen.Constant(CoreOpKind.Write)), (3, Gen.Constant(CoreOpKind.Export)), (1, Gen.Constant(CoreOpKind.Threshold)))
        from source in Gen.Choose(0, s_sources.Length - 1)
        from level in Gen.Frequency((10, Gen.Choose(0, 3)), (1, Gen.Constant(4)))
        from text in Gen.Frequency((5, Gen.Choose(0, 60)), (1, Gen.Choose(61, 500)))
        from step in Gen.Frequency((12, Gen.Constant(1)), (1, Gen.Constant(0)), (1, Gen.Constant(3)))
        from count in Gen.Choose(0, 6)
        select new CoreOp(kind, source, level, text, step, count);

    [Fact]
    public void CoreMatchesModel() => PropertyCheck.ForAll(Gen.ListOf(Op()).Select(l => l.ToArray()).Resize(200), Run, 500);

    private sealed class SourceModel
    {
        public ulong Received, Filtered, Exported, Dropped, Kept, LastWriter;
    }

    private static void Run(CoreOp[] ops)
    {
        const int Capacity = 2048;
        byte* storage = (byte*)NativeMemory.AllocZeroed(Capacity);
        try
        {
            var core = new KlogCore(storage, Capacity);
            SourceModel[] models = s_sources.Select(_ => new SourceModel()).ToArray();
            var queue = new Queue<(int Source, int Size, ulong Seq, byte[] Text, byte Level)>();
            ulong violations = 0, gaps = 0, exportSeq = 0, dropped = 0;
            byte threshold = 1;
            byte[] frame = new byte[KlogFrame.MaxFrameBytes];
            foreach (CoreOp op in ops)
            {
                switch (op.Kind)
                {
                    case CoreOpKind.Threshold:
                        threshold = (byte)Math.Min(op.Level, 3);
                        core.Threshold = threshold;
                        break;
                    case CoreOpKind.Write:
                        {
                            SourceModel m = models[op.Source];
                            byte[] text = Encoding.ASCII.GetBytes(new string((char)('a' + op.Source), op.TextLength));
                            ulong seq = m.LastWriter + (ulong)op.SequenceStep;
                            KlogStatus expected;
                            if (op.Level > 3)
                            {
                                expected = KlogStatus.BadLevel;
                            }
                            else
                            {
                                m.Received++;
                                if (seq == 0) { } // 0: the writer numbers nothing
                                else if (seq <= m.LastWriter)
                                {
                                    violations++;
                                }
                                else { gaps += seq - m.LastWriter - 1; m.LastWriter = seq; }
                                if (op.Level < threshold) { m.Filtered++; expected = KlogStatus.Filtered; }
                                else
                                {
                                    int size = LogRecordRing.RecordBytes(s_sources[op.Source].Length, text.Length);
                                    while (Capacity - queue.Sum(q => q.Size) < size)
                                    {
                                        (int Source, int Size, ulong Seq, byte[] Text, byte Level) old = queue.Dequeue();
                                        models[old.Source].Dropped++;
                                        dropped++;
                                    }
                                    queue.Enqueue((op.Source, size, ++m.Kept, text.Take(LogRecordRing.MaxTextBytes).ToArray(), (byte)op.Level));
                                    expected = KlogStatus.Ok;
                                }
                            }
                            Assert.Equal(expected, core.Accept((byte)op.Level, Encoding.ASCII.GetBytes(s_sources[op.Source]), text, 99, 0, seq));
                            break;
                        }
                    case CoreOpKind.Export:
                        for (int i = 0; i < op.Count; i++)
                        {
                            int length = core.ExportNext(frame);
                            Assert.Equal(queue.Count == 0, length == 0);
                            if (length == 0)
                            {
                                break;
                            }

                            (int Source, int Size, ulong Seq, byte[] Text, byte Level) r = queue.Dequeue();
                            models[r.Source].Exported++;
                            var records = new List<KlogRecord>();
                            var decoder = new KlogDecoder();
                            decoder.Decode(new ReadOnlySequence<byte>(frame, 0, length), true, records);
                            Assert.Equal(0, decoder.SkippedBytes);
                            KlogRecord record = Assert.Single(records);
                            Assert.Equal(++exportSeq, record.Sequence);
                            Assert.Equal(s_sources[r.Source], record.Source);
                            Assert.Equal(Encoding.ASCII.GetString(r.Text), record.Text);
                            Assert.Equal(r.Level, record.Level);
                            Assert.Equal(dropped, record.Dropped);
                            // The 8th item: the record's sequence within its source.
                            var payload = new MessagePack.MessagePackReader(new ReadOnlyMemory<byte>(frame, 4, length - 4));
                            Assert.Equal(8, payload.ReadArrayHeader());
                            for (int skip = 0; skip < 7; skip++)
                            {
                                payload.Skip();
                            }

                            Assert.Equal(r.Seq, payload.ReadUInt64());
                        }
                        break;
                }
                for (int s = 0; s < s_sources.Length; s++)
                {
                    SourceModel m = models[s];
                    KlogSourceFigures? f = null;
                    for (int slot = 0; slot < core.SourceCount; slot++)
                    {
                        if (core.SourceName(slot).SequenceEqual(Encoding.ASCII.GetBytes(s_sources[s])))
                        {
                            f = core.Figures(slot);
                        }
                    }

                    if (f is null) { Assert.Equal(0UL, m.Received); continue; }
                    Assert.Equal((m.Received, m.Filtered, m.Exported, m.Dropped, m.Kept), (f.Value.Received, f.Value.Filtered, f.Value.Exported, f.Value.Dropped, f.Value.Kept));
                    Assert.Equal(m.Received, m.Filtered + m.Exported + m.Dropped + f.Value.Held);
                }
                Assert.Equal(violations, core.OrderViolations);
                Assert.Equal(gaps, core.SequenceGaps);
                Assert.Equal(dropped, core.TotalDropped);
                Assert.Equal(0UL, core.AccountingErrors);
                Assert.Equal((ulong)queue.Count, core.Held);
            }
        }
        finally { NativeMemory.Free(storage); }
    }

    [Fact]
    public void KernelRecordsAreTakenOnceAndSkippedSequencesCountAsLost()
    {
        byte* storage = (byte*)NativeMemory.AllocZeroed(4096);
        try
        {
            var core = new KlogCore(storage, 4096);
            core.AcceptKernel(new LogRecordView(1, 5, 0, 1, "mm"u8, "one"u8));
            core.AcceptKernel(new LogRecordView(1, 5, 0, 1, "mm"u8, "one again"u8));
            core.AcceptKernel(new LogRecordView(4, 6, 0, 0, "mm"u8, "debug, filtered"u8));
            Assert.Equal(2UL, core.KernelLost);
            Assert.Equal(4UL, core.LastKernelSequence);
            KlogSourceFigures k = core.Totals(kernel: true);
            Assert.Equal((2UL, 1UL, 1UL), (k.Received, k.Filtered, k.Kept));
            Assert.Equal(0UL, core.Totals(kernel: false).Received);
            byte[] frame = new byte[KlogFrame.MaxFrameBytes];
            int length = core.ExportNext(frame);
            Assert.True(KlogDecoder.TryParsePayload(new ReadOnlySequence<byte>(frame, 4, length - 4), out KlogRecord? record));
            Assert.Equal(("mm", "one", 2UL), (record!.Source, record.Text, record.Dropped));
        }
        finally { NativeMemory.Free(storage); }
    }

    [Fact]
    public void FramesRoundTripThroughTheHostDecoderInAStream()
    {
        Gen<(int text, int src, ulong, int chunk)> gen = from text in Gen.Choose(0, 480)
                                                         from src in Gen.Choose(0, 32)
                                                         from seq in Gen.Choose(0, int.MaxValue)
                                                         from chunk in Gen.Choose(1, 50)
                                                         select (text, src, (ulong)seq * 65537, chunk);
        PropertyCheck.ForAll(gen, c =>
        {
            string text = new string('\u00e9', c.text / 2) + new string('x', c.text % 2);
            byte[] frame = new byte[KlogFrame.MaxFrameBytes];
            byte[] textBytes = Encoding.UTF8.GetBytes(text), srcBytes = Encoding.UTF8.GetBytes(new string('s', c.src));
            int length = KlogFrame.Encode(frame, c.Item3, c.Item3 * 3, 1, 2, srcBytes, textBytes, c.Item3 / 2, 7);
            Assert.True(length > 4);
            // Two copies with garbage between, fed in small chunks, as ./mk klog -f reads them.
            byte[] stream = frame.Take(length).Concat(new byte[] { 0xA5, 0x00, 0x13 }).Concat(frame.Take(length)).ToArray();
            var decoder = new KlogDecoder();
            var records = new List<KlogRecord>();
            int used = 0;
            for (int end = c.chunk; used < stream.Length; end = Math.Min(stream.Length, end + c.chunk))
            {
                var seq = new ReadOnlySequence<byte>(stream, used, end - used);
                used += (int)seq.Slice(0, decoder.Decode(seq, end == stream.Length, records)).Length;
                if (end == stream.Length)
                {
                    break;
                }
            }
            Assert.Equal(2, records.Count);
            Assert.All(records, r => Assert.Equal(new KlogRecord(c.Item3, c.Item3 * 3, 1, 2, new string('s', c.src), text, c.Item3 / 2), r));
            Assert.Equal(3, decoder.SkippedBytes);
        }, 300);
    }

    [Fact]
    public void SessionAnswersWritesOverRealRings()
    {
        using var channel = new SessionChannel();
        KlogCore core = channel.Core;
        KlogSession session = channel.Session;
        ServerEndpoint server = channel.Server;
        KlogClient client = channel.Client;
        session.SetPeer("peer-name"u8);
        Assert.Equal(CallStatus.Ok, client.TrySendWrite(new KlogWriteRequest { Level = KlogLevel.Warning, Source = "a"u8, Text = "hi"u8, Sequence = 1 }, out _));
        Assert.Equal(CallStatus.Ok, client.TrySendWrite(new KlogWriteRequest { Level = KlogLevel.Debug, Text = "quiet"u8 }, out _));
        Assert.Equal(CallStatus.Ok, client.TrySendWrite(new KlogWriteRequest { Level = (KlogLevel)9, Text = "bad"u8 }, out _));
        client.Endpoint.Flush();
        server.TryServe(10, out int served);
        Assert.Equal(3, served);
        var statuses = new List<KlogStatus>();
        while (client.Endpoint.TryReceive(out ReplyMessage reply) == CallStatus.Ok)
        {
            Assert.True(KlogClient.TryDecodeWriteReply(in reply, out KlogWriteReply answer));
            statuses.Add(answer.Status);
        }
        Assert.Equal(new[] { KlogStatus.Ok, KlogStatus.Filtered, KlogStatus.BadLevel }, statuses);
        // An empty source is the channel's peer name.
        Assert.Equal(2, core.SourceCount);
        Assert.Equal("peer-name", Encoding.ASCII.GetString(core.SourceName(1)));
    }
}
