using System;
using System.Numerics;
using System.Threading;
using Microkernel.Text;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>The freestanding runtime as compiled code sees it: strings, spans,
/// statics and their constructors, atomics, allocation, generics, delegates.</summary>
internal static unsafe class RuntimeTests
{
    internal static void Register()
    {
        TestRegistry.Add("runtime/string-equality", &StringEquality);
        TestRegistry.Add("runtime/span-slice-copy", &SpanSliceCopy);
        TestRegistry.Add("runtime/sequence-equal", &SequenceEquality);
        TestRegistry.Add("runtime/memmove-overlap", &MemmoveOverlap);
        TestRegistry.Add("runtime/static-constructor-once", &StaticConstructorOnce);
        TestRegistry.Add("runtime/gc-statics", &GcStatics);
        TestRegistry.Add("runtime/interlocked", &InterlockedOps);
        TestRegistry.Add("runtime/bit-operations", &BitOps);
        TestRegistry.Add("runtime/integer-formatting", &Formatting);
        TestRegistry.Add("runtime/allocation-zeroed-aligned", &Allocation);
        TestRegistry.Add("runtime/generics", &Generics);
        TestRegistry.Add("runtime/delegates", &Delegates);
    }

    private static void StringEquality(ref TestResult t)
    {
        string a = "kernel";
        string b = Pick(true);
        Equal(ref t, 6, a.Length, "length"u8);
        True(ref t, a == b, "equal literals compare equal"u8);
        False(ref t, a == Pick(false), "different strings compare unequal"u8);
        Equal(ref t, (long)'r', (long)a[2], "indexer"u8);
        True(ref t, a.GetHashCode() == b.GetHashCode(), "equal strings hash equal"u8);
    }

    private static string Pick(bool same) => same ? "kernel" : "kernal";

    private static void SpanSliceCopy(ref TestResult t)
    {
        System.Span<byte> buffer = stackalloc byte[16];
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)i;
        }

        System.Span<byte> middle = buffer.Slice(4, 8);
        Equal(ref t, 8, middle.Length, "slice length"u8);
        Equal(ref t, 4, middle[0], "slice start"u8);
        System.Span<byte> copy = stackalloc byte[8];
        middle.CopyTo(copy);
        Bytes(ref t, middle, copy, "copy"u8);
        False(ref t, middle.TryCopyTo(copy.Slice(1)), "TryCopyTo refuses a short destination"u8);
        copy.Fill(7);
        Equal(ref t, 7, copy[7], "fill"u8);
        copy.Clear();
        Equal(ref t, 0, copy[3], "clear"u8);
    }

    /// <summary>SequenceEqual compares eight bytes at a time with an overlapping last word:
    /// every length from 0 to 40, equal, and unequal at each single position in turn, at
    /// an odd offset (unaligned words), plus different lengths.</summary>
    private static void SequenceEquality(ref TestResult t)
    {
        byte[] left = new byte[48];
        byte[] right = new byte[48];
        for (int i = 0; i < left.Length; i++)
        {
            left[i] = right[i] = (byte)(i * 7 + 1);
        }

        int wrong = 0;
        for (int length = 0; length <= 40; length++)
        {
            var a = new System.ReadOnlySpan<byte>(left, 3, length);
            var b = new System.ReadOnlySpan<byte>(right, 3, length);
            if (!a.SequenceEqual(b))
            {
                wrong++;
            }

            for (int at = 0; at < length; at++)
            {
                right[3 + at] ^= 0x40;
                if (a.SequenceEqual(new System.ReadOnlySpan<byte>(right, 3, length)))
                {
                    wrong++;
                }

                right[3 + at] ^= 0x40;
            }

            // A difference just outside the spans does not count.
            right[2] ^= 1;
            right[3 + length] ^= 1;
            if (!a.SequenceEqual(new System.ReadOnlySpan<byte>(right, 3, length)))
            {
                wrong++;
            }

            right[2] ^= 1;
            right[3 + length] ^= 1;
        }

        Equal(ref t, 0, wrong, "equal spans of every length compare equal, one differing byte anywhere unequal"u8);
        False(ref t, new System.ReadOnlySpan<byte>(left, 0, 9).SequenceEqual(new System.ReadOnlySpan<byte>(right, 0, 8)), "different lengths"u8);
        True(ref t, System.ReadOnlySpan<byte>.Empty.SequenceEqual(default), "empty spans"u8);
    }

    private static void MemmoveOverlap(ref TestResult t)
    {
        byte[] data = new byte[40];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)i;
        }
        // Forward overlap: destination above the source.
        new System.Span<byte>(data, 0, 30).CopyTo(new System.Span<byte>(data, 5, 30));
        Equal(ref t, 0, data[5], "forward overlap first"u8);
        Equal(ref t, 29, data[34], "forward overlap last"u8);
        // Backward overlap: destination below the source.
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)i;
        }

        new System.Span<byte>(data, 10, 30).CopyTo(new System.Span<byte>(data, 3, 30));
        Equal(ref t, 10, data[3], "backward overlap first"u8);
        Equal(ref t, 39, data[32], "backward overlap last"u8);

        // Every length 0..40 and every shift -9..9 between source and destination in one
        // buffer (disjoint copies take whole words with an overlapping last one, overlapping
        // copies go byte-exact in the safe direction): each result checked against a byte-by-
        // byte reference, and the bytes around the destination untouched.
        byte[] buffer = new byte[96];
        byte[] expected = new byte[96];
        int wrong = 0;
        for (int length = 0; length <= 40; length++)
        {
            for (int shift = -9; shift <= 9; shift++)
            {
                for (int i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = expected[i] = (byte)(i * 13 + length);
                }

                int from = 30, to = 30 + shift;
                if (shift > 0)
                {
                    for (int i = length - 1; i >= 0; i--)
                    {
                        expected[to + i] = expected[from + i];
                    }
                }
                else
                {
                    for (int i = 0; i < length; i++)
                    {
                        expected[to + i] = expected[from + i];
                    }
                }
                new System.Span<byte>(buffer, from, length).CopyTo(new System.Span<byte>(buffer, to, length));
                for (int i = 0; i < buffer.Length; i++)
                {
                    if (buffer[i] != expected[i]) { wrong++; break; }
                }
            }
        }

        Equal(ref t, 0, wrong, "copies of every length and shift match a byte-by-byte copy"u8);
        // Disjoint buffers too (the common case: a record into a ring, a name into a table).
        byte[] other = new byte[48];
        for (int length = 0; length <= 40; length++)
        {
            for (int i = 0; i < other.Length; i++)
            {
                other[i] = 0xEE;
            }

            new System.Span<byte>(buffer, 1, length).CopyTo(new System.Span<byte>(other, 3, length));
            bool ok = other[2] == 0xEE && other[3 + length] == 0xEE;
            for (int i = 0; i < length; i++)
            {
                ok &= other[3 + i] == buffer[1 + i];
            }

            if (!ok)
            {
                wrong++;
            }
        }

        Equal(ref t, 0, wrong, "disjoint copies of every length, bytes around them untouched"u8);
    }

    private static class CountedConstructor
    {
        internal static int Runs;
        internal static int Value = Initialize();
        // Reads its own static while its constructor runs: must not deadlock.
        private static int Initialize() { Runs++; return 41 + (Value == 0 ? 1 : 100); }
    }

    private static void StaticConstructorOnce(ref TestResult t)
    {
        Equal(ref t, 42, CountedConstructor.Value, "value set by the static constructor"u8);
        Equal(ref t, 42, CountedConstructor.Value, "value on second read"u8);
        Equal(ref t, 1, CountedConstructor.Runs, "the constructor ran once"u8);
    }

    private sealed class Box { internal int Value; }

    private static class Holder
    {
        internal static Box Instance = new Box { Value = 7 };
        internal static int[] Table = { 1, 2, 3, 5, 8 };
    }

    private static void GcStatics(ref TestResult t)
    {
        True(ref t, Holder.Instance != null, "static reference initialised"u8);
        Equal(ref t, 7, Holder.Instance!.Value, "its field"u8);
        Holder.Instance.Value = 9;
        Equal(ref t, 9, Holder.Instance.Value, "static object is writable and kept"u8);
        Equal(ref t, 5, Holder.Table.Length, "static array length"u8);
        Equal(ref t, 8, Holder.Table[4], "static array element"u8);
        True(ref t, Runtime.ModuleInitializer.StaticBasesCreated > 0, "static bases were created at boot"u8);
    }

    private static void InterlockedOps(ref TestResult t)
    {
        int value = 5;
        Equal(ref t, 5, Interlocked.CompareExchange(ref value, 9, 5), "CAS returns the old value"u8);
        Equal(ref t, 9, value, "CAS stored"u8);
        Equal(ref t, 9, Interlocked.CompareExchange(ref value, 1, 5), "failed CAS returns current"u8);
        Equal(ref t, 9, value, "failed CAS stored nothing"u8);
        Equal(ref t, 12, Interlocked.Add(ref value, 3), "Add returns the new value"u8);
        Equal(ref t, 12, Interlocked.Exchange(ref value, 2), "Exchange returns the old value"u8);
        long wide = long.MaxValue - 1;
        Equal(ref t, long.MaxValue, Interlocked.Increment(ref wide), "64-bit increment"u8);
        Volatile.Write(ref value, 77);
        Equal(ref t, 77, Volatile.Read(ref value), "volatile round trip"u8);
    }

    private static void BitOps(ref TestResult t)
    {
        for (int shift = 0; shift < 64; shift += 7)
        {
            ulong v = 1UL << shift;
            Equal(ref t, shift, BitOperations.Log2(v), "Log2 of a power of two"u8);
            Equal(ref t, shift, BitOperations.TrailingZeroCount(v), "trailing zeros"u8);
            Equal(ref t, 63 - shift, BitOperations.LeadingZeroCount(v), "leading zeros"u8);
        }
        Equal(ref t, 32, BitOperations.PopCount(0xFFFFFFFF00000000UL), "popcount"u8);
        True(ref t, BitOperations.IsPow2(4096UL), "IsPow2(4096)"u8);
        False(ref t, BitOperations.IsPow2(4097UL), "IsPow2(4097)"u8);
        Equal(ref t, 4096UL, BitOperations.RoundUpToPowerOf2(3000UL), "round up"u8);
    }

    private static void Formatting(ref TestResult t)
    {
        System.Span<byte> buffer = stackalloc byte[24];
        int n = IntegerFormatter.FormatDecimal(long.MinValue, buffer);
        Bytes(ref t, "-9223372036854775808"u8, buffer.Slice(0, n), "long.MinValue"u8);
        n = IntegerFormatter.FormatHex(0xBEEFUL, 8, buffer);
        Bytes(ref t, "0000beef"u8, buffer.Slice(0, n), "padded hex"u8);
        Equal(ref t, -1, IntegerFormatter.FormatDecimal(123456UL, buffer.Slice(0, 3)), "too small a buffer"u8);
    }

#pragma warning disable CS0649 // never written: the test checks they start at zero
    private sealed class Wide { internal long A; internal long B; internal byte C; }
#pragma warning restore CS0649

    private static void Allocation(ref TestResult t)
    {
        var w = new Wide();
        Equal(ref t, 0, w.A + w.B + w.C, "new object's fields are zero"u8);
        ulong address = (ulong)System.Runtime.CompilerServices.Unsafe.As<Wide, nuint>(ref w);
        Equal(ref t, 0UL, address % 8, "objects are 8-byte aligned"u8);
        int[] numbers = new int[1000];
        Equal(ref t, 1000, numbers.Length, "array length"u8);
        long sum = 0;
        for (int i = 0; i < numbers.Length; i++)
        {
            sum += numbers[i];
        }

        Equal(ref t, 0, sum, "new array is zeroed"u8);
        var other = new Wide();
        False(ref t, (object)w == (object)other, "two allocations are distinct"u8);
    }

    private struct Pair<T> where T : struct { internal T First; internal T Second; }

    private sealed class Cell<T> where T : class
    {
        private T? _value;
        internal void Set(T value) => _value = value;
        internal T? Get() => _value;
    }

    private static T Larger<T>(T a, T b, delegate*<T, T, bool> greater) => greater(a, b) ? a : b;
    private static bool GreaterLong(long a, long b) => a > b;

    private static void Generics(ref TestResult t)
    {
        var p = new Pair<long> { First = 3, Second = 4 };
        Equal(ref t, 7, p.First + p.Second, "generic struct over long"u8);
        var cell = new Cell<string>();
        cell.Set("shared code");
        True(ref t, cell.Get() == "shared code", "generic class over a reference type"u8);
        var boxes = new Cell<Box>();
        boxes.Set(new Box { Value = 3 });
        Equal(ref t, 3, boxes.Get()!.Value, "second instantiation of shared code"u8);
        Equal(ref t, 9, Larger(9L, 2L, &GreaterLong), "generic method with a function pointer"u8);
    }

    private static int Twice(int x) => 2 * x;

    private static void Delegates(ref TestResult t)
    {
        System.Func<int, int> f = Twice;
        Equal(ref t, 42, f(21), "static method delegate"u8);
        int offset = 5;
        System.Func<int, int> closure = x => x + offset;
        Equal(ref t, 15, closure(10), "closure over a local"u8);
        offset = 6;
        Equal(ref t, 16, closure(10), "closure sees the updated local"u8);
        var box = new Box { Value = 1 };
        System.Action bump = () => box.Value++;
        bump();
        bump();
        Equal(ref t, 3, box.Value, "delegate mutating a captured object"u8);
    }
}
