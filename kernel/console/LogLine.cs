using System.Runtime.CompilerServices;
using Microkernel.Text;

namespace Microkernel.Console;

/// <summary>A line being built on the stack; written to the console by <see cref="End"/>.</summary>
/// <remarks>Text past the buffer is cut and the line ends with "..." rather than
/// spilling or allocating.</remarks>
internal ref struct LogLine
{
    private const int Capacity = 240;
    private LineBuffer _buffer;
    private int _length;
    private bool _truncated;
    private readonly bool _enabled;
    private readonly LogLevel _level;
    // Where the source and the text start in the line, for the record buffer.
    // Lines made with `new LogLine` rather than Log.Begin (the ready line, test output,
    // crash reports) are console protocol, not log records: they are not recorded.
    private int _sourceStart, _sourceEnd, _textStart;
    private bool _isRecord;

    [InlineArray(Capacity)]
    private struct LineBuffer { private byte _element; }

    internal LogLine(bool enabled, LogLevel level = LogLevel.Info)
    {
        _enabled = enabled;
        _level = level;
        _length = 0;
        _truncated = false;
        _sourceStart = _sourceEnd = _textStart = 0;
        _isRecord = false;
    }

    /// <summary>The source starts here (called by <see cref="Log.Begin"/>).</summary>
    internal void MarkSourceStart()
    {
        _sourceStart = _length;
        _isRecord = true;
    }

    /// <summary>The source ended; appends the separator after which the text starts.</summary>
    internal void MarkTextStart(scoped System.ReadOnlySpan<byte> separator)
    {
        _sourceEnd = _length;
        Text(separator);
        _textStart = _length;
    }

    /// <summary>Appends bytes (ASCII/UTF-8).</summary>
    internal void Text(scoped System.ReadOnlySpan<byte> text)
    {
        if (!_enabled)
        {
            return;
        }

        System.Span<byte> free = Free();
        if (text.Length > free.Length)
        {
            text.Slice(0, free.Length).CopyTo(free);
            _length = Capacity;
            _truncated = true;
            return;
        }
        text.CopyTo(free);
        _length += text.Length;
    }

    /// <summary>Appends a UTF-16 string's ASCII characters ('?' for the rest).</summary>
    internal void Text(string? text)
    {
        if (!_enabled || text == null)
        {
            return;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            Byte(c < 0x80 ? (byte)c : (byte)'?');
        }
    }

    /// <summary>Appends one byte.</summary>
    internal void Byte(byte value)
    {
        if (!_enabled)
        {
            return;
        }

        if (_length >= Capacity) { _truncated = true; return; }
        _buffer[_length++] = value;
    }

    /// <summary>Takes in what a formatter wrote into <see cref="Free"/>: its length, or a
    /// negative count when it did not fit (the line is then marked truncated).</summary>
    private void Advance(int written)
    {
        if (written < 0)
        {
            _truncated = true;
        }
        else
        {
            _length += written;
        }
    }

    /// <summary>Appends a signed decimal.</summary>
    internal void Decimal(long value)
    {
        if (!_enabled)
        {
            return;
        }

        Advance(IntegerFormatter.FormatDecimal(value, Free()));
    }

    /// <summary>Appends an unsigned decimal.</summary>
    internal void Decimal(ulong value)
    {
        if (!_enabled)
        {
            return;
        }

        Advance(IntegerFormatter.FormatDecimal(value, Free()));
    }

    /// <summary>Appends 0x and 16 hex digits.</summary>
    internal void Address(ulong value)
    {
        if (!_enabled)
        {
            return;
        }

        Advance(IntegerFormatter.FormatHexAddress(value, Free()));
    }

    /// <summary>Appends hex digits (no prefix), at least <paramref name="minDigits"/>.</summary>
    internal void Hex(ulong value, int minDigits = 1)
    {
        if (!_enabled)
        {
            return;
        }

        Advance(IntegerFormatter.FormatHex(value, minDigits, Free()));
    }

    /// <summary>Finishes the line and writes it.</summary>
    internal void End()
    {
        if (!_enabled)
        {
            return;
        }

        if (_truncated && _length >= 3)
        {
            _buffer[_length - 3] = (byte)'.';
            _buffer[_length - 2] = (byte)'.';
            _buffer[_length - 1] = (byte)'.';
        }
        // The record: what lies between the prefix and the newline.
        System.ReadOnlySpan<byte> line = Written();
        int textEnd = _length < Capacity ? _length : Capacity - 1;
        int textStart = _textStart < textEnd ? _textStart : textEnd;
        if (_isRecord)
        {
            Log.Record(_level, line.Slice(_sourceStart, _sourceEnd - _sourceStart), line.Slice(textStart, textEnd - textStart));
        }

        if (_length < Capacity)
        {
            _buffer[_length++] = (byte)'\n';
        }
        else
        {
            _buffer[Capacity - 1] = (byte)'\n';
        }

        Log.RecordsWritten++;
        KernelConsole.Write(Written());
    }

    /// <summary>Finishes the line and writes it without the console lock (panics).</summary>
    internal void EndUnlocked()
    {
        if (!_enabled)
        {
            return;
        }

        if (_length < Capacity)
        {
            _buffer[_length++] = (byte)'\n';
        }

        KernelConsole.WriteUnlocked(Written());
    }

    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    private System.Span<byte> Free() =>
        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref _buffer[0], Capacity).Slice(_length);

    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    private System.ReadOnlySpan<byte> Written() =>
        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref _buffer[0], Capacity).Slice(0, _length);
}
