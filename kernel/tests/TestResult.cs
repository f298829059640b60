using System.Runtime.CompilerServices;

namespace Microkernel.Tests;

/// <summary>The outcome of one test case: how many checks ran and the first failure.</summary>
internal struct TestResult
{
    private const int MessageCapacity = 160;

    [InlineArray(MessageCapacity)]
    private struct MessageBuffer { private byte _element; }

    private MessageBuffer _message;
    private int _messageLength;

    /// <summary>True once any expectation failed.</summary>
    internal bool Failed;

    /// <summary>Expectations evaluated.</summary>
    internal int Checks;

    /// <summary>The first failure's text (later failures are counted, not kept).</summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    internal System.ReadOnlySpan<byte> Message =>
        System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref _message[0], _messageLength);

    /// <summary>Starts recording a failure; returns false if one is already recorded.</summary>
    internal bool BeginFailure()
    {
        bool first = !Failed;
        Failed = true;
        return first;
    }

    /// <summary>Appends to the failure text, cutting at the buffer's end.</summary>
    internal void Append(System.ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length && _messageLength < MessageCapacity; i++)
        {
            _message[_messageLength++] = text[i];
        }
    }

    internal void AppendDecimal(long value)
    {
        System.Span<byte> digits = stackalloc byte[24];
        int n = Text.IntegerFormatter.FormatDecimal(value, digits);
        if (n > 0)
        {
            Append(digits.Slice(0, n));
        }
    }

    internal void AppendHex(ulong value)
    {
        System.Span<byte> digits = stackalloc byte[20];
        int n = Text.IntegerFormatter.FormatHexAddress(value, digits);
        if (n > 0)
        {
            Append(digits.Slice(0, n));
        }
    }
}
