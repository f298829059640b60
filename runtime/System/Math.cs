namespace System;

/// <summary>Integer math. Checked conversions come from the compiler's own helpers.</summary>
public static class Math
{
    public static int Min(int a, int b) => a <= b ? a : b;
    public static uint Min(uint a, uint b) => a <= b ? a : b;
    public static long Min(long a, long b) => a <= b ? a : b;
    public static ulong Min(ulong a, ulong b) => a <= b ? a : b;
    public static nint Min(nint a, nint b) => a <= b ? a : b;
    public static nuint Min(nuint a, nuint b) => a <= b ? a : b;
    public static int Max(int a, int b) => a >= b ? a : b;
    public static uint Max(uint a, uint b) => a >= b ? a : b;
    public static long Max(long a, long b) => a >= b ? a : b;
    public static ulong Max(ulong a, ulong b) => a >= b ? a : b;
    public static nint Max(nint a, nint b) => a >= b ? a : b;
    public static nuint Max(nuint a, nuint b) => a >= b ? a : b;

    public static int Abs(int value)
    {
        if (value == int.MinValue)
        {
            ThrowHelpers.ThrowOverflowException();
        }

        return value < 0 ? -value : value;
    }

    // Checked floating-point to integer conversions: the compiler calls these by name.
    internal static int ConvertToInt32Checked(double value)
    {
        if (!(value > -2147483649.0 && value < 2147483648.0))
        {
            ThrowHelpers.ThrowOverflowException();
        }

        return (int)value;
    }

    internal static uint ConvertToUInt32Checked(double value)
    {
        if (!(value > -1.0 && value < 4294967296.0))
        {
            ThrowHelpers.ThrowOverflowException();
        }

        return (uint)value;
    }

    internal static long ConvertToInt64Checked(double value)
    {
        if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0))
        {
            ThrowHelpers.ThrowOverflowException();
        }

        return (long)value;
    }

    internal static ulong ConvertToUInt64Checked(double value)
    {
        if (!(value > -1.0 && value < 18446744073709551616.0))
        {
            ThrowHelpers.ThrowOverflowException();
        }

        return (ulong)value;
    }

    public static long Abs(long value)
    {
        if (value == long.MinValue)
        {
            ThrowHelpers.ThrowOverflowException();
        }

        return value < 0 ? -value : value;
    }
}
