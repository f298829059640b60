using System;

namespace Microkernel.Services.Store;

/// <summary>Store names: entries are <c>library/object/entry</c>, objects
/// <c>library/object</c>; every segment is one or more of <c>[a-z0-9_-]</c> and a name is
/// at most <see cref="MaxBytes"/> bytes. Prefixes (listing, subscriptions) are up to
/// <see cref="MaxBytes"/> bytes of those characters and <c>/</c>, and may be empty.</summary>
public static class StoreNames
{
    /// <summary>Longest name or prefix, in bytes.</summary>
    public const int MaxBytes = 63;

    /// <summary>True for a well-formed entry name (three segments).</summary>
    public static bool IsEntryName(ReadOnlySpan<byte> name) => CountSegments(name) == 3;

    /// <summary>True for a well-formed object name (two segments).</summary>
    public static bool IsObjectName(ReadOnlySpan<byte> name) => CountSegments(name) == 2;

    /// <summary>True for a well-formed prefix (possibly empty).</summary>
    public static bool IsPrefix(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length > MaxBytes)
        {
            return false;
        }

        for (int i = 0; i < prefix.Length; i++)
        {
            if (!IsSegmentByte(prefix[i]) && prefix[i] != (byte)'/')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The length of an entry name's object part (<c>library/object</c>).</summary>
    public static int ObjectLength(ReadOnlySpan<byte> entryName)
    {
        int slashes = 0;
        for (int i = 0; i < entryName.Length; i++)
        {
            if (entryName[i] == (byte)'/' && ++slashes == 2)
            {
                return i;
            }
        }
        return entryName.Length;
    }

    /// <summary>Ordinal byte comparison: negative, zero or positive.</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return a[i] - b[i];
            }
        }
        return a.Length - b.Length;
    }

    /// <summary>True when <paramref name="name"/> starts with <paramref name="prefix"/>.</summary>
    public static bool StartsWith(ReadOnlySpan<byte> name, ReadOnlySpan<byte> prefix) =>
        prefix.Length <= name.Length && name.Slice(0, prefix.Length).SequenceEqual(prefix);

    /// <summary>FNV-1a, to skip most name comparisons in table scans.</summary>
    public static uint Hash(ReadOnlySpan<byte> name)
    {
        uint h = 2166136261;
        for (int i = 0; i < name.Length; i++)
        {
            h = (h ^ name[i]) * 16777619;
        }

        return h;
    }

    private static int CountSegments(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > MaxBytes)
        {
            return 0;
        }

        int segments = 1, length = 0;
        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            if (b == (byte)'/')
            {
                if (length == 0)
                {
                    return 0;
                }

                segments++;
                length = 0;
            }
            else if (IsSegmentByte(b))
            {
                length++;
            }
            else
            {
                return 0;
            }
        }
        return length == 0 ? 0 : segments;
    }

    // Inlined: it runs once per name byte (16 calls in a store get of a short name).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool IsSegmentByte(byte b) =>
        (b >= (byte)'a' && b <= (byte)'z') || (b >= (byte)'0' && b <= (byte)'9') || b == (byte)'_' || b == (byte)'-';
}
