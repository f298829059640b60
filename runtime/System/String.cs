using System.Runtime.CompilerServices;

namespace System;

/// <summary>An immutable UTF-16 string. Literals are frozen objects in the image.</summary>
/// <remarks>Layout is a contract with the compiler: length, then the characters.</remarks>
public sealed class String
{
    private readonly int _stringLength;
    private char _firstChar;

    /// <summary>The empty string.</summary>
    public static readonly string Empty = "";

    /// <summary>Number of UTF-16 code units.</summary>
    public int Length => _stringLength;

    /// <summary>The code unit at <paramref name="index"/>.</summary>
    [IndexerName("Chars")]
    public char this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_stringLength)
            {
                ThrowHelpers.ThrowIndexOutOfRangeException();
            }

            return Unsafe.Add(ref _firstChar, index);
        }
    }

    /// <summary>A reference to the first character (the terminating NUL for "").</summary>
    public ref readonly char GetPinnableReference() => ref _firstChar;

    internal ref char GetRawStringData() => ref _firstChar;

    /// <summary>Ordinal equality.</summary>
    public static bool operator ==(string a, string b) => Equals(a, b);
    /// <summary>Ordinal inequality.</summary>
    public static bool operator !=(string a, string b) => !Equals(a, b);

    /// <summary>Ordinal equality of two strings (null equals null).</summary>
    public static bool Equals(string a, string b)
    {
        if ((object)a == (object)b)
        {
            return true;
        }

        if ((object)a == null || (object)b == null)
        {
            return false;
        }

        if (a._stringLength != b._stringLength)
        {
            return false;
        }

        for (int i = 0; i < a._stringLength; i++)
        {
            if (Unsafe.Add(ref a._firstChar, i) != Unsafe.Add(ref b._firstChar, i))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object obj) => obj is string s && Equals(this, s);

    /// <summary>FNV-1a over the code units: stable across runs, no seed.</summary>
    public override int GetHashCode()
    {
        uint hash = 2166136261;
        for (int i = 0; i < _stringLength; i++)
        {
            hash = (hash ^ Unsafe.Add(ref _firstChar, i)) * 16777619;
        }

        return (int)hash;
    }

    /// <inheritdoc/>
    public override string ToString() => this;

    /// <summary>The characters as a span.</summary>
    public static implicit operator ReadOnlySpan<char>(string value) =>
        (object)value == null ? default : new ReadOnlySpan<char>(ref value._firstChar, value._stringLength);
}
