namespace Microkernel.Console
{
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
    /// Records below <see cref="Threshold"/> are dropped at Begin. Later the klog
    /// service takes these records over; the shape stays the same.</remarks>
    internal static class Log
    {
        /// <summary>Records below this level are not written.</summary>
        internal static LogLevel Threshold = LogLevel.Info;

        /// <summary>Records written since boot (a kernel_info figure).</summary>
        internal static ulong RecordsWritten;

        /// <summary>Records lost before a reader took them (a kernel_info figure). The serial
        /// console loses none; a record buffer that overwrites its oldest counts here.</summary>
        internal static ulong RecordsDropped = 0;

        /// <summary>Starts a record; the returned builder writes on <see cref="LogLine.End"/>.</summary>
        internal static LogLine Begin(LogLevel level, System.ReadOnlySpan<byte> source)
        {
            LogLine line = new LogLine(level >= Threshold);
            line.Text("["u8);
            line.Text(LevelName(level));
            line.Text("] "u8);
            line.Text(source);
            line.Text(": "u8);
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
}
