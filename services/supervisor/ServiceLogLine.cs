using Microkernel.Services.Contracts;

namespace Microkernel.Services.Supervision;

/// <summary>Builds one log line in a fixed buffer (no allocation) and sends it through
/// <see cref="ServiceLog"/>: to klog over the supervisor's own channel, else the kernel.</summary>
/// <remarks>Not the kernel's console <c>LogLine</c> (kernel/console/LogLine.cs), which it
/// used to shadow by name: that one writes the console under the console lock, marks the
/// source and text of a klog record and ends a cut line with "..."; it needs the kernel's
/// console and record ring, which a ring-3 service does not have. This one only gathers
/// text and numbers for one <see cref="ServiceLog"/> call.</remarks>
internal unsafe struct ServiceLogLine
{
    private const int Capacity = 192;
    private fixed byte _bytes[Capacity];
    private int _length;

    /// <summary>A line starting with <paramref name="text"/>.</summary>
    internal static ServiceLogLine Begin(System.ReadOnlySpan<byte> text)
    {
        ServiceLogLine line = default;
        line.Text(text);
        return line;
    }

    /// <summary>Appends UTF-8 text (cut at the capacity).</summary>
    internal void Text(System.ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length && _length < Capacity; i++)
        {
            _bytes[_length++] = text[i];
        }
    }

    /// <summary>Appends an ASCII string ('?' for anything else).</summary>
    internal void Ascii(string text)
    {
        for (int i = 0; i < text.Length && _length < Capacity; i++)
        {
            _bytes[_length++] = text[i] < 128 ? (byte)text[i] : (byte)'?';
        }
    }

    /// <summary>Appends a signed decimal.</summary>
    internal void Decimal(long value)
    {
        System.Span<byte> digits = stackalloc byte[24];
        int n = Microkernel.Text.IntegerFormatter.FormatDecimal(value, digits);
        Text(digits.Slice(0, n));
    }

    /// <summary>Sends the line to the log.</summary>
    internal void Send()
    {
        fixed (byte* p = _bytes)
        {
            ServiceLog.Info(new System.ReadOnlySpan<byte>(p, _length));
        }
    }
}
