using System;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Klog;

/// <summary>Where the mirror's lines go: the console (klog's console_write) in the image,
/// a list in the host tests.</summary>
public interface IConsoleLines
{
    /// <summary>Writes one line (no line end); false once the console refuses (no right).</summary>
    bool WriteLine(ReadOnlySpan<byte> line);
}

/// <summary>Shows the records services send klog on the console, as the kernel shows its
/// own: <c>[info] echo-client: 100 calls answered correctly</c>. Kernel records are not
/// mirrored (the kernel printed them already). Like journald's ForwardToConsole, with a
/// level threshold of its own, set at run time through <c>klog/config/console</c>.</summary>
public sealed class KlogConsoleMirror
{
    /// <summary>A <see cref="Threshold"/> that shows nothing.</summary>
    public const byte Off = 4;
    /// <summary>Longest line: "[error] " + a 32-byte source + ": " + a 480-byte text.</summary>
    public const int MaxLineBytes = 8 + 32 + 2 + 480;

    private readonly IConsoleLines _console;
    private readonly byte[] _line = new byte[MaxLineBytes];

    /// <summary>A mirror writing to <paramref name="console"/>, showing info and above.</summary>
    public KlogConsoleMirror(IConsoleLines console) { _console = console; }

    /// <summary>Records below this level are not shown (0 debug .. 3 error, 4 none); info at start.</summary>
    public byte Threshold { get; set; } = (byte)KlogLevel.Info;

    /// <summary>Lines written.</summary>
    public ulong Shown { get; private set; }

    /// <summary>False once the console refused a line: the mirror then stays quiet.</summary>
    public bool Working { get; private set; } = true;

    /// <summary>Shows one record klog kept, if its level reaches the threshold.</summary>
    public void Show(byte level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text)
    {
        if (!Working || level < Threshold || level > (byte)KlogLevel.Error)
        {
            return;
        }

        int length = Format(level, source, text, _line);
        if (_console.WriteLine(new ReadOnlySpan<byte>(_line, 0, length)))
        {
            Shown++;
        }
        else
        {
            Working = false;
        }
    }

    /// <summary>Formats <c>[level] source: text</c> into <paramref name="line"/>, cut at its
    /// end; the length. A line end inside the text becomes a space, so one record is one line.</summary>
    public static int Format(byte level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, Span<byte> line)
    {
        int n = 0;
        n = Append(line, n, "["u8);
        n = Append(line, n, LevelName(level));
        n = Append(line, n, "] "u8);
        n = Append(line, n, source);
        n = Append(line, n, ": "u8);
        int textStart = n;
        n = Append(line, n, text);
        for (int i = textStart; i < n; i++)
        {
            if (line[i] == (byte)'\n' || line[i] == (byte)'\r')
            {
                line[i] = (byte)' ';
            }
        }
        return n;
    }

    /// <summary>The kernel console's names: debug, info, warn, error.</summary>
    public static ReadOnlySpan<byte> LevelName(byte level) => level switch
    {
        0 => "debug"u8,
        1 => "info"u8,
        2 => "warn"u8,
        _ => "error"u8,
    };

    private static int Append(Span<byte> to, int at, ReadOnlySpan<byte> text)
    {
        int n = Math.Min(text.Length, to.Length - at);
        text.Slice(0, n).CopyTo(to.Slice(at));
        return at + n;
    }
}
