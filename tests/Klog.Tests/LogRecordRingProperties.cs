using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Abi;
using Microkernel.Logging;
using Microkernel.Tests;
using Xunit;

namespace Microkernel.Klog.Tests;

public enum RingOpKind { Append, CopyOut, Take }

/// <summary>One step against the ring: append a record of these lengths, copy out after a
/// sequence into a buffer of this size, or take the oldest.</summary>
public sealed record RingOp(RingOpKind Kind, int SourceLength, int TextLength, byte Level, ulong After, int BufferBytes)
{
    public override string ToString() => $"{Kind}(src={SourceLength}, text={TextLength}, level={Level}, after={After}, buffer={BufferBytes})";
}

/// <summary>A record as the model keeps it: what was appended, cut as the ring cuts.</summary>
public sealed record ModelRecord(ulong Index, ulong Sequence, ulong Time, ushort Cpu, byte Level, byte[] Source, byte[] Text, ushort Tag)
{
    public int Size => LogRecordRing.RecordBytes(Source.Length, Text.Length);
}

/// <summary>
/// The ring against a queue-of-records model with byte accounting: random appends (lengths
/// from empty to well past the maxima), copy-outs from random sequences into buffers from
/// too small for a header to larger than the ring, and takes, on rings from one largest
/// record to a few KiB so wrapping and overwriting happen all the time. After every step the
/// drop count, the counts, the used bytes, and every copied or taken record (bytes and
/// fields) must match the model; a copy-out must never split a record.
/// </summary>
public sealed unsafe class LogRecordRingProperties
{
    private static Gen<RingOp> Op(ulong maxSequence) =>
        from kind in Gen.Frequency((6, Gen.Constant(RingOpKind.Append)), (2, Gen.Constant(RingOpKind.CopyOut)), (2, Gen.Constant(RingOpKind.Take)))
        from source in Gen.Frequency((8, Gen.Choose(0, 12)), (1, Gen.Choose(30, 40)))
        from text in Gen.Frequency((6, Gen.Choose(0, 80)), (2, Gen.Choose(81, 479)), (1, Gen.Choose(480, 700)))
        from level in Gen.Choose(0, 3)
        from after in Gen.Choose(0, 400)
        from buffer in Gen.Frequency((1, Gen.Choose(0, 40)), (4, Gen.Choose(40, 700)), (2, Gen.Choose(700, 5000)))
        select new RingOp(kind, source, text, (byte)level, (ulong)after, buffer);

    private static Gen<(int Capacity, RingOp[] Ops)> Scenario() =>
        from capacity in Gen.Choose(LogRecordRing.MaxRecordBytes / 8, 4096 / 8).Select(n => n * 8)
        from ops in Gen.ListOf(Op(400)).Select(l => l.ToArray()).Resize(150)
        select (capacity, ops);

    [Fact]
    public void RingMatchesModel() => PropertyCheck.ForAll(Scenario(), s => Run(s.Capacity, s.Ops));

    private static byte[] Bytes(int length, ulong salt) =>
        Enumerable.Range(0, length).Select(i => (byte)('a' + (int)((salt * 7 + (ulong)i) % 26))).ToArray();

    private static void Run(int capacity, RingOp[] ops)
    {
        byte* storage = (byte*)NativeMemory.AllocZeroed((nuint)capacity);
        try
        {
            LogRecordRing ring = default;
            Assert.True(ring.Initialize(storage, capacity));
            var model = new LinkedList<ModelRecord>();
            ulong appended = 0, readMark = 0, dropped = 0;
            byte[] scratch = new byte[LogRecordRing.MaxRecordBytes];
            foreach (RingOp op in ops)
            {
                switch (op.Kind)
                {
                    case RingOpKind.Append:
                        {
                            byte[] source = Bytes(op.SourceLength, appended), text = Bytes(op.TextLength, appended + 1);
                            var record = new ModelRecord(appended, appended + 1, appended * 1000 + 7, (ushort)(appended % 3), op.Level,
                                source.Take(LogRecordRing.MaxSourceBytes).ToArray(), text.Take(LogRecordRing.MaxTextBytes).ToArray(), (ushort)(appended % 5));
                            int expectedDrops = 0;
                            while (capacity - model.Sum(r => r.Size) < record.Size)
                            {
                                if (model.First!.Value.Index >= readMark) { dropped++; expectedDrops++; }
                                model.RemoveFirst();
                            }
                            model.AddLast(record);
                            int drops = ring.Append(record.Sequence, record.Time, record.Cpu, record.Level, source, text, record.Tag);
                            appended++;
                            Assert.Equal(expectedDrops, drops);
                            break;
                        }
                    case RingOpKind.CopyOut:
                        {
                            byte[] buffer = new byte[op.BufferBytes];
                            int written = ring.CopyOut(op.After, buffer, out ulong last);
                            var expected = new List<ModelRecord>();
                            int room = op.BufferBytes;
                            foreach (ModelRecord r in model.Where(r => r.Sequence > op.After))
                            {
                                if (r.Size > room)
                                {
                                    break;
                                }

                                expected.Add(r);
                                room -= r.Size;
                            }
                            Assert.Equal(expected.Sum(r => r.Size), written);
                            Assert.Equal(expected.Count == 0 ? op.After : expected[^1].Sequence, last);
                            int offset = 0;
                            foreach (ModelRecord r in expected)
                            {
                                Assert.True(LogRecordRing.TryRead(buffer.AsSpan(0, written), ref offset, out LogRecordView view));
                                AssertSame(r, view);
                            }
                            Assert.Equal(written, offset);
                            if (expected.Count > 0)
                            {
                                readMark = Math.Max(readMark, expected[^1].Index + 1);
                            }

                            break;
                        }
                    case RingOpKind.Take:
                        {
                            bool took = ring.TryTake(scratch, out LogRecordView view, out ulong index);
                            Assert.Equal(model.Count > 0, took);
                            if (took)
                            {
                                ModelRecord r = model.First!.Value;
                                model.RemoveFirst();
                                AssertSame(r, view);
                                Assert.Equal(r.Index, index);
                                readMark = Math.Max(readMark, r.Index + 1);
                            }
                            break;
                        }
                }
                Assert.Equal(dropped, ring.Dropped);
                Assert.Equal(appended, ring.Appended);
                Assert.Equal((ulong)model.Count, ring.Count);
                Assert.Equal((ulong)model.Sum(r => r.Size), ring.UsedBytes);
                Assert.Equal(model.Count == 0 ? appended : model.First!.Value.Index, ring.Oldest);
            }
        }
        finally
        {
            NativeMemory.Free(storage);
        }
    }

    private static void AssertSame(ModelRecord expected, LogRecordView actual)
    {
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Time, actual.TimeNs);
        Assert.Equal(expected.Cpu, actual.Cpu);
        Assert.Equal(expected.Level, actual.Level);
        Assert.Equal(expected.Source, actual.Source.ToArray());
        Assert.Equal(expected.Text, actual.Text.ToArray());
        Assert.Equal(expected.Tag, actual.Tag);
    }

    [Fact]
    public void LongTextsAndSourcesAreCutToTheMaxima()
    {
        byte* storage = (byte*)NativeMemory.AllocZeroed(4096);
        try
        {
            LogRecordRing ring = default;
            Assert.True(ring.Initialize(storage, 4096));
            byte[] source = Bytes(40, 1), text = Bytes(1000, 2);
            ring.Append(1, 5, 0, 2, source, text);
            byte[] buffer = new byte[4096];
            int written = ring.CopyOut(0, buffer, out ulong last);
            int offset = 0;
            Assert.True(LogRecordRing.TryRead(buffer.AsSpan(0, written), ref offset, out LogRecordView view));
            Assert.Equal(source.Take(32).ToArray(), view.Source.ToArray());
            Assert.Equal(text.Take(480).ToArray(), view.Text.ToArray());
            Assert.Equal(LogRecordRing.MaxRecordBytes, written);
            Assert.Equal(1UL, last);
        }
        finally { NativeMemory.Free(storage); }
    }

    [Fact]
    public void CopyOutNeverSplitsARecordAndResumesAfterTheLastOneCopied()
    {
        byte* storage = (byte*)NativeMemory.AllocZeroed(2048);
        try
        {
            LogRecordRing ring = default;
            Assert.True(ring.Initialize(storage, 2048));
            for (ulong s = 1; s <= 10; s++)
            {
                ring.Append(s, s, 0, 1, "src"u8, Bytes(20 + (int)s, s));
            }
            // A buffer one byte short of two records gets exactly one.
            int one = LogRecordRing.RecordBytes(3, 21), two = one + LogRecordRing.RecordBytes(3, 22);
            byte[] buffer = new byte[two - 1];
            Assert.Equal(one, ring.CopyOut(0, buffer, out ulong last));
            Assert.Equal(1UL, last);
            // Too small for any record: nothing, and the cursor stays.
            Assert.Equal(0, ring.CopyOut(3, new byte[8], out last));
            Assert.Equal(3UL, last);
            // Resuming after 1 in small buffers yields 2..10 in order, each whole.
            var seen = new List<ulong>();
            ulong after = 1;
            while (true)
            {
                byte[] small = new byte[100];
                int n = ring.CopyOut(after, small, out last);
                if (n == 0)
                {
                    break;
                }

                int offset = 0;
                while (LogRecordRing.TryRead(small.AsSpan(0, n), ref offset, out LogRecordView v))
                {
                    seen.Add(v.Sequence);
                }

                Assert.Equal(n, offset);
                after = last;
            }
            Assert.Equal(Enumerable.Range(2, 9).Select(i => (ulong)i), seen);
        }
        finally { NativeMemory.Free(storage); }
    }

    [Fact]
    public void OverwrittenRecordsCountAsDroppedOnlyIfNobodyReadThem()
    {
        int capacity = LogRecordRing.MaxRecordBytes;
        byte* storage = (byte*)NativeMemory.AllocZeroed((nuint)capacity);
        try
        {
            LogRecordRing ring = default;
            Assert.True(ring.Initialize(storage, capacity));
            int size = LogRecordRing.RecordBytes(1, 8);
            int fit = capacity / size;
            for (int i = 1; i <= fit; i++)
            {
                ring.Append((ulong)i, 0, 0, 1, "k"u8, "12345678"u8);
            }

            Assert.Equal(0UL, ring.Dropped);
            // A reader sees the first half; overwriting those is not a loss.
            byte[] buffer = new byte[size * (fit / 2)];
            ring.CopyOut(0, buffer, out _);
            for (int i = 0; i < fit; i++)
            {
                ring.Append((ulong)(fit + i + 1), 0, 0, 1, "k"u8, "12345678"u8);
            }

            Assert.Equal((ulong)(fit - fit / 2), ring.Dropped);
        }
        finally { NativeMemory.Free(storage); }
    }

    [Fact]
    public void HeaderRoundTripsAndHostileLengthsAreRefused()
    {
        byte[] header = new byte[KernelLogLayout.HeaderBytes];
        Assert.True(LogRecordRing.TryWriteHeader(header, 12, 345));
        Assert.True(LogRecordRing.TryReadHeader(header, out ulong dropped, out ulong next));
        Assert.Equal((12UL, 345UL), (dropped, next));
        Assert.False(LogRecordRing.TryWriteHeader(new byte[15], 1, 1));
        // A record claiming more text than the buffer holds.
        byte[] record = new byte[32];
        record[19] = 2;
        record[20] = 0xFF;
        int offset = 0;
        Assert.False(LogRecordRing.TryRead(record, ref offset, out _));
        Assert.Equal(0, offset);
        Assert.False(LogRecordRing.TryRead(new byte[10], ref offset, out _));
    }

    [Fact]
    public void RefusesStorageTooSmallOrMisaligned()
    {
        byte* storage = (byte*)NativeMemory.AllocZeroed(4096);
        try
        {
            LogRecordRing ring = default;
            Assert.False(ring.Initialize(storage, LogRecordRing.MaxRecordBytes - 8));
            Assert.False(ring.Initialize(storage, 1001));
            Assert.False(ring.Initialize(null, 4096));
            Assert.Equal(0, ring.Append(1, 0, 0, 0, "a"u8, "b"u8));
            Assert.True(ring.Initialize(storage, 4096));
        }
        finally { NativeMemory.Free(storage); }
    }
}
