using System.Runtime.CompilerServices;

namespace System.Threading;

/// <summary>Atomic read-modify-write operations.</summary>
/// <remarks>Each [Intrinsic] method calls itself: the compiler recognises the inner
/// call and emits the lock-prefixed instruction in its place, so no recursion runs.</remarks>
public static class Interlocked
{
    [Intrinsic] public static int CompareExchange(ref int location1, int value, int comparand) => CompareExchange(ref location1, value, comparand);
    [Intrinsic] public static long CompareExchange(ref long location1, long value, long comparand) => CompareExchange(ref location1, value, comparand);
    public static uint CompareExchange(ref uint location1, uint value, uint comparand) =>
        (uint)CompareExchange(ref Unsafe.As<uint, int>(ref location1), (int)value, (int)comparand);
    public static ulong CompareExchange(ref ulong location1, ulong value, ulong comparand) =>
        (ulong)CompareExchange(ref Unsafe.As<ulong, long>(ref location1), (long)value, (long)comparand);
    public static nint CompareExchange(ref nint location1, nint value, nint comparand) =>
        (nint)CompareExchange(ref Unsafe.As<nint, long>(ref location1), (long)value, (long)comparand);
    public static nuint CompareExchange(ref nuint location1, nuint value, nuint comparand) =>
        (nuint)CompareExchange(ref Unsafe.As<nuint, long>(ref location1), (long)value, (long)comparand);
    public static T CompareExchange<T>(ref T location1, T value, T comparand) where T : class
    {
        // References are plain pointers here (no GC), so a 64-bit CAS is exact.
        long result = CompareExchange(ref Unsafe.As<T, long>(ref location1), Unsafe.As<T, long>(ref value), Unsafe.As<T, long>(ref comparand));
        return Unsafe.As<long, T>(ref result);
    }

    [Intrinsic] public static int Exchange(ref int location1, int value) => Exchange(ref location1, value);
    [Intrinsic] public static long Exchange(ref long location1, long value) => Exchange(ref location1, value);
    public static uint Exchange(ref uint location1, uint value) => (uint)Exchange(ref Unsafe.As<uint, int>(ref location1), (int)value);
    public static ulong Exchange(ref ulong location1, ulong value) => (ulong)Exchange(ref Unsafe.As<ulong, long>(ref location1), (long)value);
    public static nint Exchange(ref nint location1, nint value) => (nint)Exchange(ref Unsafe.As<nint, long>(ref location1), (long)value);

    [Intrinsic] internal static int ExchangeAdd(ref int location1, int value) => ExchangeAdd(ref location1, value);
    [Intrinsic] internal static long ExchangeAdd(ref long location1, long value) => ExchangeAdd(ref location1, value);

    public static int Add(ref int location1, int value) => ExchangeAdd(ref location1, value) + value;
    public static long Add(ref long location1, long value) => ExchangeAdd(ref location1, value) + value;
    public static uint Add(ref uint location1, uint value) => (uint)Add(ref Unsafe.As<uint, int>(ref location1), (int)value);
    public static ulong Add(ref ulong location1, ulong value) => (ulong)Add(ref Unsafe.As<ulong, long>(ref location1), (long)value);
    public static nint Add(ref nint location1, nint value) => (nint)Add(ref Unsafe.As<nint, long>(ref location1), (long)value);

    public static int Increment(ref int location) => Add(ref location, 1);
    public static long Increment(ref long location) => Add(ref location, 1);
    public static uint Increment(ref uint location) => Add(ref location, 1u);
    public static ulong Increment(ref ulong location) => Add(ref location, 1ul);
    public static int Decrement(ref int location) => Add(ref location, -1);
    public static long Decrement(ref long location) => Add(ref location, -1);
    public static uint Decrement(ref uint location) => (uint)Add(ref Unsafe.As<uint, int>(ref location), -1);
    public static ulong Decrement(ref ulong location) => (ulong)Add(ref Unsafe.As<ulong, long>(ref location), -1);

    /// <summary>A full fence (mfence or a locked instruction).</summary>
    [Intrinsic] public static void MemoryBarrier() => MemoryBarrier();
}
