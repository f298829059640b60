using System;
using System.Globalization;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Text;
using Xunit;

namespace Microkernel.Tests;

public class IntegerFormatterTests
{
    private const byte Sentinel = 0xEE;

    /// <summary>Values spread over every magnitude: random bits masked to a random width,
    /// plus the edges where digit counts and signs change.</summary>
    private static readonly Gen<ulong> s_u64 =
        Gen.Frequency(
            (8, from hi in Gen.Choose(int.MinValue, int.MaxValue)
                from lo in Gen.Choose(int.MinValue, int.MaxValue)
                from width in Gen.Choose(1, 64)
                select (((ulong)(uint)hi << 32) | (uint)lo) >> (64 - width)),
            (2, Gen.Elements(0UL, 1UL, 9UL, 10UL, 15UL, 16UL, 99UL, 100UL, 999_999_999_999_999_999UL,
                9_999_999_999_999_999_999UL, 10_000_000_000_000_000_000UL, (ulong)long.MaxValue,
                (ulong)long.MaxValue + 1, ulong.MaxValue - 1, ulong.MaxValue)));

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    private static byte[] Buffer(int length)
    {
        byte[] b = new byte[length];
        Array.Fill(b, Sentinel);
        return b;
    }

    /// <summary>Checks a formatter against the expected text for every buffer size around
    /// the exact one: large enough writes exactly the text and nothing after it, too small
    /// returns -1 and writes nothing.</summary>
    private static void AssertFormats(string expected, Func<byte[], int> format)
    {
        for (int size = Math.Max(0, expected.Length - 2); size <= expected.Length + 2; size++)
        {
            byte[] buffer = Buffer(size);
            int n = format(buffer);
            if (size < expected.Length)
            {
                Assert.Equal(-1, n);
                Assert.All(buffer, b => Assert.Equal(Sentinel, b));
            }
            else
            {
                Assert.Equal(expected.Length, n);
                Assert.Equal(expected, Ascii(buffer.AsSpan(0, n)));
                Assert.All(buffer.Skip(n), b => Assert.Equal(Sentinel, b));
            }
        }
    }

    [Fact]
    public void Decimal_ulong_matches_bcl()
    {
        PropertyCheck.ForAll(s_u64, v => AssertFormats(v.ToString(CultureInfo.InvariantCulture), b => IntegerFormatter.FormatDecimal(v, b)));
    }

    [Fact]
    public void Decimal_long_matches_bcl()
    {
        PropertyCheck.ForAll(s_u64, v =>
        {
            long s = unchecked((long)v);
            AssertFormats(s.ToString(CultureInfo.InvariantCulture), b => IntegerFormatter.FormatDecimal(s, b));
            AssertFormats((-(s >> 1)).ToString(CultureInfo.InvariantCulture), b => IntegerFormatter.FormatDecimal(-(s >> 1), b));
        });
    }

    [Fact]
    public void Hex_matches_bcl_with_any_minimum_width()
    {
        PropertyCheck.ForAll(s_u64.SelectMany(_ => Gen.Choose(-2, 24), (v, d) => (v, d)), t =>
        {
            (ulong v, int digits) = t;
            string expected = v.ToString("x" + Math.Max(0, digits).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            AssertFormats(expected, b => IntegerFormatter.FormatHex(v, digits, b));
        });
    }

    [Fact]
    public void Hex_address_is_prefixed_and_16_digits()
    {
        PropertyCheck.ForAll(s_u64, v => AssertFormats("0x" + v.ToString("x16", CultureInfo.InvariantCulture), b => IntegerFormatter.FormatHexAddress(v, b)));
    }

    [Theory]
    [InlineData(long.MinValue, "-9223372036854775808")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(-1L, "-1")]
    [InlineData(0L, "0")]
    public void Decimal_edges(long value, string expected)
    {
        AssertFormats(expected, b => IntegerFormatter.FormatDecimal(value, b));
        Assert.True(expected.Length <= IntegerFormatter.MaxDecimalLength);
    }

    [Fact]
    public void Empty_destination()
    {
        Assert.Equal(-1, IntegerFormatter.FormatDecimal(0UL, Span<byte>.Empty));
        Assert.Equal(-1, IntegerFormatter.FormatDecimal(-5L, Span<byte>.Empty));
        Assert.Equal(-1, IntegerFormatter.FormatHex(0, 0, Span<byte>.Empty));
        Assert.Equal(-1, IntegerFormatter.FormatHexAddress(0, Span<byte>.Empty));
        Assert.Equal("18446744073709551615".Length, IntegerFormatter.FormatDecimal(ulong.MaxValue, new byte[20]));
        Assert.Equal(IntegerFormatter.HexAddressLength, IntegerFormatter.FormatHexAddress(ulong.MaxValue, new byte[18]));
    }
}
