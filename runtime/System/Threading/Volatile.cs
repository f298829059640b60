using System.Runtime.CompilerServices;

namespace System.Threading;

/// <summary>Acquire reads and release writes.</summary>
/// <remarks>On x86-64 (TSO) ordinary loads already have acquire and stores release
/// semantics; going through a volatile field stops the compiler from reordering or
/// caching the access, which is all that is needed. Every member is marked for inlining:
/// without profile data ilc left these one-instruction accesses as calls on the IPC paths.</remarks>
public static unsafe class Volatile
{
    private struct VolatileInt32 { public volatile int Value; }
    private struct VolatileUInt32 { public volatile uint Value; }
    private struct VolatileInt64 { public volatile nint Value; }
    private struct VolatileByte { public volatile byte Value; }
    private struct VolatileBoolean { public volatile bool Value; }
    private struct VolatileObject { public volatile object Value; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Read(ref readonly int location) => Unsafe.As<int, VolatileInt32>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Read(ref readonly uint location) => Unsafe.As<uint, VolatileUInt32>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Read(ref readonly long location) => Unsafe.As<long, VolatileInt64>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(ref readonly ulong location) => (ulong)Unsafe.As<ulong, VolatileInt64>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Read(ref readonly nint location) => Unsafe.As<nint, VolatileInt64>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Read(ref readonly nuint location) => (nuint)Unsafe.As<nuint, VolatileInt64>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Read(ref readonly byte location) => Unsafe.As<byte, VolatileByte>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Read(ref readonly bool location) => Unsafe.As<bool, VolatileBoolean>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read<T>(ref readonly T location) where T : class =>
        Unsafe.As<T>(Unsafe.As<T, VolatileObject>(ref Unsafe.AsRef(in location)).Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref int location, int value) => Unsafe.As<int, VolatileInt32>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref uint location, uint value) => Unsafe.As<uint, VolatileUInt32>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref long location, long value) => Unsafe.As<long, VolatileInt64>(ref location).Value = (nint)value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref ulong location, ulong value) => Unsafe.As<ulong, VolatileInt64>(ref location).Value = (nint)value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref nint location, nint value) => Unsafe.As<nint, VolatileInt64>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref nuint location, nuint value) => Unsafe.As<nuint, VolatileInt64>(ref location).Value = (nint)value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref byte location, byte value) => Unsafe.As<byte, VolatileByte>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref bool location, bool value) => Unsafe.As<bool, VolatileBoolean>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write<T>(ref T location, T value) where T : class =>
        Unsafe.As<T, VolatileObject>(ref location).Value = value;
}
