using System.Numerics;

namespace Microkernel.Memory;

/// <summary>
/// A bit per frame over caller-owned memory, with the word-at-a-time range and search
/// operations the frame allocator needs. Holds a raw pointer because the allocator lives
/// in a static and the bitmap lives in physical memory for the kernel's lifetime; a span
/// could not be stored there.
/// </summary>
public unsafe struct FrameBitmap
{
    private ulong* _words;
    private ulong _bitCount;

    /// <summary>No bit found (returned by the search methods).</summary>
    public const ulong NotFound = ulong.MaxValue;

    /// <summary>Wraps <paramref name="words"/>, which must hold at least
    /// ceil(<paramref name="bitCount"/> / 64) words. Contents are left as they are.</summary>
    public FrameBitmap(ulong* words, ulong bitCount)
    {
        _words = words;
        _bitCount = bitCount;
    }

    /// <summary>Number of bits (frames) covered.</summary>
    public readonly ulong BitCount => _bitCount;

    /// <summary>Number of 64-bit words backing the bits.</summary>
    public readonly ulong WordCount => (_bitCount + 63) / 64;

    /// <summary>Words needed to cover <paramref name="bitCount"/> bits.</summary>
    public static ulong WordsFor(ulong bitCount) => (bitCount / 64) + ((bitCount % 64) != 0 ? 1UL : 0UL);

    /// <summary>The word holding bits [64*index, 64*index + 64).</summary>
    public readonly ulong Word(ulong index) => _words[index];

    /// <summary>True when bit <paramref name="index"/> is set (index must be in range).</summary>
    public readonly bool Test(ulong index) => (_words[index / 64] & (1UL << (int)(index % 64))) != 0;

    /// <summary>Sets every bit of all words, including the unused tail bits of the last
    /// word, so searches never return an index past <see cref="BitCount"/>.</summary>
    public void SetAll()
    {
        ulong words = WordCount;
        for (ulong i = 0; i < words; i++)
        {
            _words[i] = ulong.MaxValue;
        }
    }

    /// <summary>Clears every bit of all words.</summary>
    public void ClearAll()
    {
        ulong words = WordCount;
        for (ulong i = 0; i < words; i++)
        {
            _words[i] = 0;
        }
    }

    /// <summary>
    /// Makes this bitmap the complement of <paramref name="other"/> (same
    /// <see cref="BitCount"/>), with the tail bits past <see cref="BitCount"/> set, and
    /// returns how many bits in range ended up clear.
    /// </summary>
    public ulong SetToComplementOf(in FrameBitmap other)
    {
        ulong words = WordCount;
        ulong clear = 0;
        for (ulong i = 0; i < words; i++)
        {
            ulong value = ~other._words[i];
            if (i == words - 1 && (_bitCount % 64) != 0)
            {
                value |= ulong.MaxValue << (int)(_bitCount % 64);
            }

            _words[i] = value;
            clear += (ulong)BitOperations.PopCount(~value);
        }

        return clear;
    }

    /// <summary>Sets (<paramref name="value"/> true) or clears bits [first, first + count);
    /// returns how many bits changed. The range must be within <see cref="BitCount"/>.</summary>
    public ulong Assign(ulong first, ulong count, bool value)
    {
        ulong changed = 0;
        ulong index = first;
        ulong end = first + count;
        while (index < end)
        {
            int bit = (int)(index % 64);
            ulong span = System.Math.Min(64UL - (ulong)bit, end - index);
            ulong mask = span == 64 ? ulong.MaxValue : ((1UL << (int)span) - 1) << bit;
            ulong* word = _words + (index / 64);
            ulong old = *word;
            ulong updated = value ? old | mask : old & ~mask;
            changed += (ulong)BitOperations.PopCount(old ^ updated);
            *word = updated;
            index += span;
        }

        return changed;
    }

    /// <summary>Index of the first clear bit at or after <paramref name="from"/>, or
    /// <see cref="NotFound"/>. Relies on the tail bits past <see cref="BitCount"/> being set.</summary>
    public readonly ulong FindClear(ulong from)
    {
        if (from >= _bitCount)
        {
            return NotFound;
        }

        ulong wordIndex = from / 64;
        ulong words = WordCount;
        // Pretend the bits below 'from' in its word are set so they are skipped.
        ulong inverted = ~(_words[wordIndex] | ((1UL << (int)(from % 64)) - 1));
        while (true)
        {
            if (inverted != 0)
            {
                ulong index = (wordIndex * 64) + (ulong)BitOperations.TrailingZeroCount(inverted);
                return index < _bitCount ? index : NotFound;
            }

            wordIndex++;
            if (wordIndex >= words)
            {
                return NotFound;
            }

            inverted = ~_words[wordIndex];
        }
    }

    /// <summary>Index of the first set bit in [first, first + count), or <see cref="NotFound"/>.
    /// The range must be within <see cref="BitCount"/>.</summary>
    public readonly ulong FindSetInRange(ulong first, ulong count)
    {
        ulong index = first;
        ulong end = first + count;
        while (index < end)
        {
            int bit = (int)(index % 64);
            ulong span = System.Math.Min(64UL - (ulong)bit, end - index);
            ulong mask = span == 64 ? ulong.MaxValue : ((1UL << (int)span) - 1) << bit;
            ulong hits = _words[index / 64] & mask;
            if (hits != 0)
            {
                return ((index / 64) * 64) + (ulong)BitOperations.TrailingZeroCount(hits);
            }

            index += span;
        }

        return NotFound;
    }
}
