using System.Globalization;

namespace Mk.Manifests;

/// <summary>Memory sizes as manifests and <c>--memory</c> write them: a whole number and a
/// unit, <c>K</c>, <c>M</c> or <c>G</c> (binary: 1M = 1024K), case-insensitive.</summary>
public static class MemorySize
{
    /// <summary>The least RAM an image may ask for, in MiB.</summary>
    public const uint MinimumMib = 16;

    /// <summary>The most RAM an image may ask for, in MiB (1 TiB).</summary>
    public const uint MaximumMib = 1024 * 1024;

    /// <summary>Parses a size into whole MiB. On failure <paramref name="error"/> says why
    /// (not a size, not whole MiB, below the minimum, above the maximum).</summary>
    public static bool TryParseMib(string text, out uint mib, out string error)
    {
        mib = 0;
        string t = text.Trim();
        if (t.Length < 2)
        {
            error = $"`{text}` is not a size: write a number and a unit, K, M or G";
            return false;
        }
        char unit = char.ToUpperInvariant(t[^1]);
        if (!ulong.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong number) ||
            unit is not ('K' or 'M' or 'G'))
        {
            error = $"`{text}` is not a size: write a number and a unit, K, M or G";
            return false;
        }
        const ulong LimitKib = (ulong)MaximumMib * 1024;
        ulong kib = unit switch { 'K' => number, 'M' => number * 1024, _ => number * 1024 * 1024 };
        bool overflowed = number > LimitKib;
        if (overflowed || kib > LimitKib)
        {
            error = $"`{text}` is more than the maximum, {Format(MaximumMib)}";
            return false;
        }
        if (kib % 1024 != 0)
        {
            error = $"`{text}` is not a whole number of MiB";
            return false;
        }
        if (kib / 1024 < MinimumMib)
        {
            error = $"`{text}` is less than the minimum, {MinimumMib}M";
            return false;
        }
        mib = (uint)(kib / 1024);
        error = "";
        return true;
    }

    /// <summary>Formats whole MiB as <c>NG</c> when a whole number of GiB, else <c>NM</c>.</summary>
    public static string Format(uint mib) => mib % 1024 == 0
        ? (mib / 1024).ToString(CultureInfo.InvariantCulture) + "G"
        : mib.ToString(CultureInfo.InvariantCulture) + "M";
}
