using System.Globalization;

namespace Mk.Klog;

/// <summary>Kernel log levels as the klog wire format numbers them.</summary>
public enum KlogLevel : uint
{
    /// <summary>0: detail for developers.</summary>
    Debug = 0,
    /// <summary>1: normal progress.</summary>
    Info = 1,
    /// <summary>2: something is off but work goes on.</summary>
    Warning = 2,
    /// <summary>3: something failed.</summary>
    Error = 3,
}

/// <summary>One kernel log record as exported on the second serial port.</summary>
/// <param name="Sequence">Record number, counting from boot.</param>
/// <param name="TimeNs">Nanoseconds since boot.</param>
/// <param name="Cpu">CPU that logged it.</param>
/// <param name="Level">Level number (0 debug, 1 info, 2 warning, 3 error; others shown as numbers).</param>
/// <param name="Source">Who logged it (a kernel room or a service name).</param>
/// <param name="Text">The message.</param>
/// <param name="Dropped">Records the kernel's ring had dropped so far when this one was sent.</param>
public sealed record KlogRecord(ulong Sequence, ulong TimeNs, uint Cpu, uint Level, string Source, string Text, ulong Dropped)
{
    /// <summary>The level's name: debug, info, warning, error, or <c>levelN</c>.</summary>
    public string LevelName => Level switch
    {
        0 => "debug",
        1 => "info",
        2 => "warning",
        3 => "error",
        _ => "level" + Level.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The dmesg-like line: <c>[   1.234567] cpu0 info source: text</c>.</summary>
    public string Format()
    {
        ulong seconds = TimeNs / 1_000_000_000;
        ulong micros = TimeNs % 1_000_000_000 / 1000;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{seconds,4}.{micros:D6}] cpu{Cpu} {LevelName} {Source}: {Text}");
    }

    /// <summary>Parses a level name (debug, info, warning/warn, error) or number.</summary>
    public static bool TryParseLevel(string text, out uint level)
    {
        switch (text.ToLowerInvariant())
        {
            case "debug": level = 0; return true;
            case "info": level = 1; return true;
            case "warn":
            case "warning": level = 2; return true;
            case "error": level = 3; return true;
            default: return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out level);
        }
    }
}
