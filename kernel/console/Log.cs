using Microkernel.Logging;

namespace Microkernel.Console;

/// <summary>Severity of a log record, lowest first.</summary>
internal enum LogLevel : byte
{
    Debug = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
}

/// <summary>The kernel log: leveled lines with the source component, e.g.
/// <c>[info] mm: 31744 KiB free</c>.</summary>
/// <remarks>Usage, with no allocation:
/// <code>var line = Log.Begin(LogLevel.Info, "mm"u8); line.Decimal(kib); line.Text(" KiB free"u8); line.End();</code>
/// Records below <see cref="Threshold"/> are dropped at Begin. Every record written also
/// goes into the record buffer (<see cref="LogRecordRing"/>, 64 KiB inside the image, so
/// it works from the first line of boot, before any heap): sequence from 1, nanoseconds
/// since boot, CPU, level, source and text, for the klog service to read with log_read
/// (kernel/console/LogCalls.cs). The console line stays exactly as it was.</remarks>
internal static class Log
{
    /// <summary>Records below this level are not written.</summary>
    internal static LogLevel Threshold = LogLevel.Info;

    /// <summary>Records written since boot (a kernel_info figure).</summary>
    internal static ulong RecordsWritten;

    /// <summary>Records lost before a reader took them (a kernel_info figure). The serial
    /// console loses none; a record buffer that overwrites its oldest counts here.</summary>
    internal static ulong RecordsDropped => s_ring.Dropped;

    /// <summary>Bytes of the record buffer: a normal boot (a few dozen records) fits many
    /// times over, so klog, starting late, still gets every record from boot.</summary>
    internal const int BufferBytes = 64 * 1024;

    [System.Runtime.CompilerServices.InlineArray(BufferBytes)]
    private struct Storage { private byte _element; }

    // In the image's .bss: usable before the heap exists, never allocated, never freed.
    private static Storage s_storage;
    private static LogRecordRing s_ring;
    private static Sync.SpinLock s_ringLock;

    /// <summary>Appends one record to the buffer (never blocks beyond the short lock, never
    /// allocates; safe from interrupt handlers, which the lock masks).</summary>
    internal static unsafe void Record(LogLevel level, System.ReadOnlySpan<byte> source, System.ReadOnlySpan<byte> text)
    {
        bool interrupts = s_ringLock.Acquire();
        if (!s_ring.IsReady)
        {
            s_ring.Initialize((byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s_storage), BufferBytes);
        }

        ulong now = Arch.TimeStampCounter.ToMicroseconds(Arch.Cpu.ReadTsc()) * 1000;
        s_ring.Append(s_ring.Appended + 1, now, 0, (byte)level, source, text);
        s_ringLock.Release(interrupts);
    }

    /// <summary>Copies records with sequence greater than <paramref name="afterSequence"/>
    /// into <paramref name="destination"/> (whole records only) under the lock; the bytes
    /// written and the last sequence copied. <paramref name="dropped"/> and
    /// <paramref name="nextSequence"/> are the header figures at that moment.</summary>
    internal static int CopyRecords(ulong afterSequence, System.Span<byte> destination, out ulong lastSequence,
        out ulong dropped, out ulong nextSequence)
    {
        bool interrupts = s_ringLock.Acquire();
        int written = s_ring.CopyOut(afterSequence, destination, out lastSequence);
        dropped = s_ring.Dropped;
        nextSequence = s_ring.Appended + 1;
        s_ringLock.Release(interrupts);
        return written;
    }

    /// <summary>Starts a record; the returned builder writes on <see cref="LogLine.End"/>.</summary>
    internal static LogLine Begin(LogLevel level, System.ReadOnlySpan<byte> source)
    {
        var line = new LogLine(level >= Threshold, level);
        line.Text("["u8);
        line.Text(LevelName(level));
        line.Text("] "u8);
        line.MarkSourceStart();
        line.Text(source);
        line.MarkTextStart(": "u8);
        return line;
    }

    /// <summary>One fixed line of text.</summary>
    internal static void Write(LogLevel level, System.ReadOnlySpan<byte> source, System.ReadOnlySpan<byte> text)
    {
        LogLine line = Begin(level, source);
        line.Text(text);
        line.End();
    }

    internal static System.ReadOnlySpan<byte> LevelName(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug"u8,
        LogLevel.Info => "info"u8,
        LogLevel.Warning => "warn"u8,
        _ => "error"u8,
    };
}
