using System.Runtime.CompilerServices;

namespace System
{
    /// <summary>Span helpers used as extension methods.</summary>
    public static class MemoryExtensions
    {
        /// <summary>The array as a span.</summary>
        public static Span<T> AsSpan<T>(this T[] array) => new Span<T>(array);

        /// <summary>Part of the array as a span.</summary>
        public static Span<T> AsSpan<T>(this T[] array, int start, int length) => new Span<T>(array, start, length);

        /// <summary>Byte-wise equality of two spans.</summary>
        public static bool SequenceEqual(this ReadOnlySpan<byte> span, ReadOnlySpan<byte> other)
        {
            if (span.Length != other.Length) return false;
            for (int i = 0; i < span.Length; i++)
                if (span[i] != other[i]) return false;
            return true;
        }

        /// <summary>Byte-wise equality of two spans.</summary>
        public static bool SequenceEqual(this Span<byte> span, ReadOnlySpan<byte> other) =>
            SequenceEqual((ReadOnlySpan<byte>)span, other);

        /// <summary>Index of the first <paramref name="value"/>, or -1.</summary>
        public static int IndexOf(this ReadOnlySpan<byte> span, byte value)
        {
            for (int i = 0; i < span.Length; i++)
                if (span[i] == value) return i;
            return -1;
        }
    }
}
