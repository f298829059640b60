using System;

namespace Microkernel.Text;

/// <summary>
/// ASCII integer formatting into caller buffers, for a kernel that has no string
/// formatting and no allocator at the point it first needs to print. Every method
/// returns the number of bytes written, or -1 when the destination is too small, in
/// which case nothing is written (no half-printed numbers on the console).
/// </summary>
public static class IntegerFormatter
{
    /// <summary>Longest decimal output: "-9223372036854775808" and "18446744073709551615" are 20 bytes.</summary>
    public const int MaxDecimalLength = 20;

    /// <summary>Length of <see cref="FormatHexAddress"/> output: "0x" plus 16 digits.</summary>
    public const int HexAddressLength = 18;

    /// <summary>Writes <paramref name="value"/> in decimal.</summary>
    public static int FormatDecimal(ulong value, Span<byte> destination)
    {
        int digits = CountDecimalDigits(value);
        if (digits > destination.Length)
        {
            return -1;
        }

        WriteDecimal(value, destination.Slice(0, digits));
        return digits;
    }

    /// <summary>Writes <paramref name="value"/> in decimal with a leading '-' when
    /// negative; <see cref="long.MinValue"/> is handled (its magnitude is not a long).</summary>
    public static int FormatDecimal(long value, Span<byte> destination)
    {
        if (value >= 0)
        {
            return FormatDecimal((ulong)value, destination);
        }

        // Two's complement negation in unsigned arithmetic is exact even for MinValue.
        ulong magnitude = unchecked(0UL - (ulong)value);
        int digits = CountDecimalDigits(magnitude);
        if (digits + 1 > destination.Length)
        {
            return -1;
        }

        destination[0] = (byte)'-';
        WriteDecimal(magnitude, destination.Slice(1, digits));
        return digits + 1;
    }

    /// <summary>
    /// Writes <paramref name="value"/> in lowercase hex without prefix, zero-padded to at
    /// least <paramref name="minDigits"/> digits (values below 1 mean 1, matching
    /// <c>ToString("x")</c>).
    /// </summary>
    public static int FormatHex(ulong value, int minDigits, Span<byte> destination)
    {
        int digits = CountHexDigits(value);
        if (minDigits > digits)
        {
            digits = minDigits;
        }

        if (digits > destination.Length)
        {
            return -1;
        }

        for (int i = digits - 1; i >= 0; i--)
        {
            int nibble = (int)(value & 0xF);
            destination[i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + (nibble - 10));
            value >>= 4;
        }

        return digits;
    }

    /// <summary>Writes "0x" and exactly 16 lowercase hex digits, the fixed-width form used
    /// for addresses so columns line up in logs.</summary>
    public static int FormatHexAddress(ulong value, Span<byte> destination)
    {
        if (destination.Length < HexAddressLength)
        {
            return -1;
        }

        destination[0] = (byte)'0';
        destination[1] = (byte)'x';
        return 2 + FormatHex(value, 16, destination.Slice(2));
    }

    /// <summary>Number of decimal digits in <paramref name="value"/> (1 for 0).</summary>
    public static int CountDecimalDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    /// <summary>Number of hex digits in <paramref name="value"/> (1 for 0).</summary>
    public static int CountHexDigits(ulong value)
    {
        int digits = 1;
        while (value >= 16)
        {
            value >>= 4;
            digits++;
        }

        return digits;
    }

    private static void WriteDecimal(ulong value, Span<byte> digits)
    {
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
    }
}
