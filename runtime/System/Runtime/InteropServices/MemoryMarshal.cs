using System.Runtime.CompilerServices;

namespace System.Runtime.InteropServices;

/// <summary>Low-level span access.</summary>
public static class MemoryMarshal
{
    /// <summary>Reference to the first element (even of an empty span).</summary>
    public static ref T GetReference<T>(Span<T> span) => ref span._reference;

    /// <summary>Reference to the first element (even of an empty span).</summary>
    public static ref T GetReference<T>(ReadOnlySpan<T> span) => ref span._reference;

    /// <summary>Reinterprets a span of one unmanaged type as another.</summary>
    public static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span) where TFrom : struct where TTo : struct
    {
        ulong bytes = (ulong)(uint)span.Length * (ulong)(uint)Unsafe.SizeOf<TFrom>();
        return new Span<TTo>(ref Unsafe.As<TFrom, TTo>(ref span._reference), checked((int)(bytes / (uint)Unsafe.SizeOf<TTo>())));
    }

    /// <summary>Reinterprets a read-only span of one unmanaged type as another.</summary>
    public static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span) where TFrom : struct where TTo : struct
    {
        ulong bytes = (ulong)(uint)span.Length * (ulong)(uint)Unsafe.SizeOf<TFrom>();
        return new ReadOnlySpan<TTo>(ref Unsafe.As<TFrom, TTo>(ref span._reference), checked((int)(bytes / (uint)Unsafe.SizeOf<TTo>())));
    }

    /// <summary>The bytes of a span.</summary>
    public static Span<byte> AsBytes<T>(Span<T> span) where T : struct => Cast<T, byte>(span);

    /// <summary>The bytes of a read-only span.</summary>
    public static ReadOnlySpan<byte> AsBytes<T>(ReadOnlySpan<T> span) where T : struct => Cast<T, byte>(span);

    /// <summary>A span over a reference and a length, unchecked.</summary>
    public static Span<T> CreateSpan<T>(ref T reference, int length) => new Span<T>(ref reference, length);

    /// <summary>A read-only span over a reference and a length, unchecked.</summary>
    public static ReadOnlySpan<T> CreateReadOnlySpan<T>(ref readonly T reference, int length) =>
        new ReadOnlySpan<T>(ref Unsafe.AsRef(in reference), length);

    /// <summary>Reads an unmanaged value from the start of a span.</summary>
    public static T Read<T>(ReadOnlySpan<byte> source) where T : struct
    {
        if ((uint)Unsafe.SizeOf<T>() > (uint)source.Length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        return Unsafe.ReadUnaligned<T>(ref source._reference);
    }

    /// <summary>Writes an unmanaged value to the start of a span.</summary>
    public static void Write<T>(Span<byte> destination, in T value) where T : struct
    {
        if ((uint)Unsafe.SizeOf<T>() > (uint)destination.Length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        Unsafe.WriteUnaligned(ref destination._reference, value);
    }

    /// <summary>Reads an unmanaged value when the span is long enough.</summary>
    public static bool TryRead<T>(ReadOnlySpan<byte> source, out T value) where T : struct
    {
        if ((uint)Unsafe.SizeOf<T>() > (uint)source.Length) { value = default; return false; }
        value = Unsafe.ReadUnaligned<T>(ref source._reference);
        return true;
    }

    /// <summary>Writes an unmanaged value when the span is long enough.</summary>
    public static bool TryWrite<T>(Span<byte> destination, in T value) where T : struct
    {
        if ((uint)Unsafe.SizeOf<T>() > (uint)destination.Length)
        {
            return false;
        }

        Unsafe.WriteUnaligned(ref destination._reference, value);
        return true;
    }
}
