using System;
using Microkernel.Console;
using Microkernel.Logging;
using Microkernel.Process;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>The kernel's record buffer and the klog service under a flood from two clients.</summary>
internal static unsafe class KlogTests
{
    /// <summary>services/klog-flood: records per instance, and one in this many at debug level.</summary>
    private const int FloodRecords = 50_000, FloodDebugEvery = 16;

    internal static void Register()
    {
        TestRegistry.Add("proc/log-records-buffered", &LogRecordsBuffered);
        TestRegistry.Add("proc/klog-flood-in-order", &KlogFloodInOrder);
        TestRegistry.Add("proc/klog-threshold-follows-the-store", &ThresholdFollowsTheStore);
        TestRegistry.Add("proc/services-log-through-klog", &ServicesLogThroughKlog);
    }

    /// <summary>A service with a channel to klog logs over it (contracts' ServiceLog): klog
    /// takes the record under the service's name and shows it on the console, and the kernel's
    /// buffer never sees it. Without the channel, or with klog gone, the same line goes
    /// through the kernel, under the service's name too.</summary>
    private static void ServicesLogThroughKlog(ref TestResult t)
    {
        System.ReadOnlySpan<byte> greeting = "hello from a C# service in ring 3"u8;
        byte* text = stackalloc byte[LogRecordRing.MaxTextBytes];
        int first = ServiceLauncher.SlotCount;
        ulong before = NextSequence();
        int klog = ServiceLauncher.LoadByName("klog"u8);
        int hello = ServiceLauncher.LoadByName("hello"u8);
        if (klog < 0 || hello < 0) { True(ref t, false, "klog and hello load"u8); return; }
        ServiceLauncher.SetRights(klog, Abi.ProcessRights.LogRead | Abi.ProcessRights.LogExport | Abi.ProcessRights.Console);
        True(ref t, ServiceLauncher.Connect(hello, klog), "hello has a channel to klog"u8);
        ServiceLauncher.Start(klog);
        ServiceLauncher.Start(hello);
        ServiceLauncher.WaitFor(hello);
        Equal(ref t, 58, ServiceLauncher.StatusOf(hello), "hello ran to its end"u8);
        ServiceLauncher.Stop(klog);
        ServiceLauncher.WaitFor(klog);
        Equal(ref t, 1, ServiceLauncher.StatusOf(klog), "klog received one service record"u8);
        bool reported = FindLast("klog"u8, "service records "u8, text, out int length, out _, out ulong reportSequence)
            && reportSequence >= before;
        True(ref t, reported, "klog reported its figures"u8);
        if (reported)
        {
            var report = new System.ReadOnlySpan<byte>(text, length);
            Equal(ref t, 1UL, Field(report, "sources="u8), "one source: hello"u8);
            Equal(ref t, 1UL, Field(report, "shown="u8), "klog showed the record on the console"u8);
        }
        bool viaKernel = FindLast("hello"u8, greeting, text, out _, out _, out ulong sequence) && sequence >= before;
        True(ref t, !viaKernel, "the line did not go through the kernel's log call"u8);
        ServiceLauncher.WaitForAll(first);

        // No channel: the fallback, still under the service's name.
        before = NextSequence();
        hello = ServiceLauncher.LoadByName("hello"u8);
        if (hello < 0) { True(ref t, false, "hello loads again"u8); return; }
        ServiceLauncher.Start(hello);
        ServiceLauncher.WaitFor(hello);
        Equal(ref t, 58, ServiceLauncher.StatusOf(hello), "hello ran without klog"u8);
        viaKernel = FindLast("hello"u8, greeting, text, out _, out byte level, out sequence) && sequence >= before;
        True(ref t, viaKernel, "without a klog channel the line went through the kernel, source hello"u8);
        Equal(ref t, (long)LogLevel.Info, level, "at info"u8);
        ServiceLauncher.WaitForAll(first);

        // klog gone before the write: the write fails at once (EPIPE), the line is not lost.
        before = NextSequence();
        klog = ServiceLauncher.LoadByName("klog"u8);
        hello = ServiceLauncher.LoadByName("hello"u8);
        if (klog < 0 || hello < 0) { True(ref t, false, "klog and hello load once more"u8); return; }
        True(ref t, ServiceLauncher.Connect(hello, klog), "hello has a channel to klog again"u8);
        ServiceLauncher.Start(klog);
        ServiceLauncher.Stop(klog);
        ServiceLauncher.WaitFor(klog);
        ServiceLauncher.Start(hello);
        ServiceLauncher.WaitFor(hello);
        Equal(ref t, 58, ServiceLauncher.StatusOf(hello), "hello ran although its klog had ended"u8);
        viaKernel = FindLast("hello"u8, greeting, text, out _, out _, out sequence) && sequence >= before;
        True(ref t, viaKernel, "with klog gone the line went through the kernel"u8);
        ServiceLauncher.WaitForAll(first);
    }

    /// <summary>The sequence the kernel's next record will get.</summary>
    private static ulong NextSequence()
    {
        Log.CopyRecords(ulong.MaxValue - 1, default, out _, out _, out ulong next);
        return next;
    }

    /// <summary>klog publishes its level threshold as a store entry; a client that sets it
    /// through the store sees klog filter, then keep, its info records, and the store refuse
    /// a level that does not exist (services/klog-threshold-probe: 6 checks).</summary>
    private static void ThresholdFollowsTheStore(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int store = ServiceLauncher.LoadByName("store"u8);
        int klog = ServiceLauncher.LoadByName("klog"u8);
        int probe = ServiceLauncher.LoadByName("klog-threshold-probe"u8);
        if (store < 0 || klog < 0 || probe < 0) { True(ref t, false, "the three services load"u8); return; }
        ServiceLauncher.SetRights(klog, Abi.ProcessRights.LogRead | Abi.ProcessRights.LogExport);
        True(ref t, ServiceLauncher.Connect(klog, store) && ServiceLauncher.Connect(probe, store) && ServiceLauncher.Connect(probe, klog),
            "klog and the probe reach the store; the probe reaches klog"u8);
        ServiceLauncher.Start(store);
        ServiceLauncher.Start(klog);
        ServiceLauncher.Start(probe);
        ServiceLauncher.WaitFor(probe);
        Equal(ref t, 6, ServiceLauncher.StatusOf(probe), "the threshold set in the store filtered info records, lowering it kept them again, and the store refused level 9"u8);
        ServiceLauncher.Stop(klog);
        ServiceLauncher.WaitFor(klog);
        ServiceLauncher.Stop(store);
        ServiceLauncher.WaitForAll(first);
    }

    /// <summary>A line logged through Log.Begin is in the record buffer with its level,
    /// source and text apart, after every earlier record.</summary>
    private static void LogRecordsBuffered(ref TestResult t)
    {
        ulong before = Log.RecordsWritten;
        LogLine line = Log.Begin(LogLevel.Warning, "klog-test"u8);
        line.Text("marker "u8);
        line.Decimal(4242UL);
        line.End();
        Equal(ref t, before + 1, Log.RecordsWritten, "one more record written"u8);
        byte* text = stackalloc byte[LogRecordRing.MaxTextBytes];
        True(ref t, FindLast("klog-test"u8, "marker "u8, text, out int length, out byte level, out ulong sequence), "the record is in the buffer"u8);
        Bytes(ref t, "marker 4242"u8, new System.ReadOnlySpan<byte>(text, length), "its text, without the [level] source: prefix"u8);
        Equal(ref t, (long)LogLevel.Warning, level, "its level"u8);
        Log.CopyRecords(ulong.MaxValue - 1, default, out _, out _, out ulong next);
        Equal(ref t, next - 1, sequence, "it is the newest record"u8);
    }

    /// <summary>The check: 100,000 records from two services reach klog in order per
    /// source, and every one is accounted for exactly: exported, dropped from klog's ring, or
    /// filtered below the threshold. klog checks order and sequence gaps as records arrive
    /// and reports its figures in a log line, read back here from the record buffer.</summary>
    private static void KlogFloodInOrder(ref TestResult t)
    {
        int first = ServiceLauncher.SlotCount;
        int klog = ServiceLauncher.LoadByName("klog"u8);
        int a = ServiceLauncher.LoadByName("klog-flood-a"u8);
        int b = ServiceLauncher.LoadByName("klog-flood-b"u8);
        True(ref t, klog >= 0 && a >= 0 && b >= 0, "klog and both floods load"u8);
        if (klog < 0 || a < 0 || b < 0)
        {
            return;
        }

        ServiceLauncher.SetRights(klog, Abi.ProcessRights.LogRead | Abi.ProcessRights.LogExport);
        True(ref t, ServiceLauncher.Connect(a, klog) && ServiceLauncher.Connect(b, klog), "a channel from each flood to klog"u8);
        ulong start = Arch.Cpu.ReadTsc();
        True(ref t, ServiceLauncher.Start(klog) && ServiceLauncher.Start(a) && ServiceLauncher.Start(b), "all started"u8);
        ServiceLauncher.WaitFor(a);
        ServiceLauncher.WaitFor(b);
        ulong floodTicks = Arch.Cpu.ReadTsc() - start;
        Equal(ref t, FloodRecords, ServiceLauncher.StatusOf(a), "klog answered every write of klog-flood-a (one at a time)"u8);
        Equal(ref t, FloodRecords, ServiceLauncher.StatusOf(b), "klog answered every write of klog-flood-b (batched)"u8);
        ServiceLauncher.Stop(klog);
        ServiceLauncher.WaitForAll(first);
        True(ref t, Arch.Cpu.ReadTsc() - start < 300 * Arch.TimeStampCounter.Hz, "all ended within 300 s"u8);
        const ulong Sent = 2 * FloodRecords, Filtered = 2 * (FloodRecords / FloodDebugEvery);
        Equal(ref t, (long)Sent, ServiceLauncher.StatusOf(klog), "klog's status: service records received"u8);

        byte* text = stackalloc byte[LogRecordRing.MaxTextBytes];
        bool found = FindLast("klog"u8, "service records "u8, text, out int length, out _, out _);
        True(ref t, found, "klog reported its figures"u8);
        if (!found)
        {
            return;
        }

        var report = new System.ReadOnlySpan<byte>(text, length);
        ulong received = Field(report, "received="u8), exported = Field(report, "exported="u8), dropped = Field(report, "dropped="u8);
        ulong filtered = Field(report, "filtered="u8);
        Equal(ref t, Sent, received, "received = sent"u8);
        Equal(ref t, Filtered, filtered, "every 16th record filtered (debug, below info)"u8);
        Equal(ref t, received, exported + dropped + filtered, "received = exported + dropped + filtered, exactly"u8);
        Equal(ref t, 0UL, Field(report, "order-violations="u8), "no record out of order in its source"u8);
        Equal(ref t, 0UL, Field(report, "gaps="u8), "no writer sequence skipped"u8);
        Equal(ref t, 0UL, Field(report, "accounting-errors="u8), "each source's sequence gaps equal its drops"u8);
        Equal(ref t, 2UL, Field(report, "sources="u8), "two service sources"u8);

        found = FindLast("klog"u8, "kernel records "u8, text, out length, out _, out _);
        True(ref t, found, "klog reported the kernel's records"u8);
        if (found)
        {
            report = new System.ReadOnlySpan<byte>(text, length);
            True(ref t, Field(report, "received="u8) > 0, "klog took in the kernel's records (from sequence 0: the early log)"u8);
            Equal(ref t, Log.RecordsDropped, Field(report, "kernel-lost="u8), "kernel records lost = the buffer's own drop count"u8);
        }

        LogLine line = Log.Begin(LogLevel.Info, "test"u8);
        line.Text("klog flood: "u8); line.Decimal(Sent);
        line.Text(" records in "u8); line.Decimal(Arch.TimeStampCounter.ToMicroseconds(floodTicks) / 1000);
        line.Text(" ms, "u8); line.Decimal(Sent * 1_000_000 / (Arch.TimeStampCounter.ToMicroseconds(floodTicks) + 1));
        line.Text(" records/s; dropped "u8); line.Decimal(dropped);
        line.End();
    }

    /// <summary>The newest buffered record from <paramref name="source"/> whose text starts
    /// with <paramref name="prefix"/>, copied to <paramref name="text"/>.</summary>
    private static bool FindLast(System.ReadOnlySpan<byte> source, System.ReadOnlySpan<byte> prefix, byte* text, out int length,
        out byte level, out ulong sequence)
    {
        length = 0;
        level = 0;
        sequence = 0;
        bool found = false;
        byte* chunk = stackalloc byte[2048];
        ulong after = 0;
        while (true)
        {
            int n = Log.CopyRecords(after, new System.Span<byte>(chunk, 2048), out ulong last, out _, out _);
            if (n == 0)
            {
                break;
            }

            var records = new System.ReadOnlySpan<byte>(chunk, n);
            int offset = 0;
            while (LogRecordRing.TryRead(records, ref offset, out LogRecordView record))
            {
                if (!record.Source.SequenceEqual(source) || record.Text.Length < prefix.Length
                    || !record.Text.Slice(0, prefix.Length).SequenceEqual(prefix))
                {
                    continue;
                }

                found = true;
                length = record.Text.Length;
                record.Text.CopyTo(new System.Span<byte>(text, LogRecordRing.MaxTextBytes));
                level = record.Level;
                sequence = record.Sequence;
            }
            after = last;
        }
        return found;
    }

    /// <summary>The decimal after the first <paramref name="key"/> in <paramref name="text"/>
    /// (ulong.MaxValue when absent, which no expectation matches).</summary>
    private static ulong Field(System.ReadOnlySpan<byte> text, System.ReadOnlySpan<byte> key)
    {
        for (int i = 0; i + key.Length <= text.Length; i++)
        {
            if (!text.Slice(i, key.Length).SequenceEqual(key) || (i > 0 && text[i - 1] != (byte)' '))
            {
                continue;
            }

            ulong value = 0;
            int j = i + key.Length;
            if (j >= text.Length || text[j] < (byte)'0' || text[j] > (byte)'9')
            {
                return ulong.MaxValue;
            }

            while (j < text.Length && text[j] >= (byte)'0' && text[j] <= (byte)'9')
            {
                value = value * 10 + (ulong)(text[j++] - '0');
            }

            return value;
        }
        return ulong.MaxValue;
    }
}
