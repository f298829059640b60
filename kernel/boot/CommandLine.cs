using System;

namespace Microkernel.Boot;

/// <summary>The kernel command line: space-separated <c>key=value</c> words (a bare
/// word is a key with an empty value). Later words win over earlier ones.</summary>
public readonly ref struct CommandLine
{
    private readonly ReadOnlySpan<byte> _text;

    /// <summary>Over the command line's bytes (no NUL needed).</summary>
    public CommandLine(ReadOnlySpan<byte> text) { _text = text; }

    /// <summary>Finds <paramref name="key"/>; <paramref name="value"/> is what follows '='.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        value = default;
        bool found = false;
        int i = 0;
        while (i < _text.Length)
        {
            while (i < _text.Length && IsSpace(_text[i]))
            {
                i++;
            }

            int start = i;
            while (i < _text.Length && !IsSpace(_text[i]))
            {
                i++;
            }

            if (i == start)
            {
                break;
            }

            ReadOnlySpan<byte> word = _text.Slice(start, i - start);
            int equals = word.IndexOf((byte)'=');
            ReadOnlySpan<byte> name = equals < 0 ? word : word.Slice(0, equals);
            if (name.SequenceEqual(key))
            {
                value = equals < 0 ? default : word.Slice(equals + 1);
                found = true;
            }
        }
        return found;
    }

    /// <summary>True when <paramref name="key"/> is present with exactly <paramref name="expected"/>.</summary>
    public bool Is(ReadOnlySpan<byte> key, ReadOnlySpan<byte> expected) =>
        TryGet(key, out ReadOnlySpan<byte> value) && value.SequenceEqual(expected);

    private static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\n' || b == (byte)'\r' || b == 0;
}
