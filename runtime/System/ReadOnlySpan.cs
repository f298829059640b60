using System.Runtime.CompilerServices;

namespace System;

/// <summary>A read-only contiguous region of memory: a reference and a length.</summary>
[System.Runtime.Versioning.NonVersionable]
public readonly ref struct ReadOnlySpan<T>
{
    internal readonly ref T _reference;
    private readonly int _length;

    /// <summary>Over a whole array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan(T[] array)
    {
        if (array == null) { this = default; return; }
        _reference = ref Unsafe.As<byte, T>(ref Unsafe.As<RawArrayData>(array).Data);
        _length = array.Length;
    }

    /// <summary>Over part of an array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan(T[] array, int start, int length)
    {
        if (array == null)
        {
            if (start != 0 || length != 0)
            {
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            }

            this = default;
            return;
        }
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)array.Length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        _reference = ref Unsafe.Add(ref Unsafe.As<byte, T>(ref Unsafe.As<RawArrayData>(array).Data), (nint)(uint)start);
        _length = length;
    }

    /// <summary>Over unmanaged memory (also how the compiler builds u8 literals).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe ReadOnlySpan(void* pointer, int length)
    {
        if (length < 0)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        _reference = ref Unsafe.As<byte, T>(ref *(byte*)pointer);
        _length = length;
    }

    /// <summary>Over a single element.</summary>
    public ReadOnlySpan(ref readonly T reference)
    {
        _reference = ref Unsafe.AsRef(in reference);
        _length = 1;
    }

    internal ReadOnlySpan(ref T reference, int length)
    {
        _reference = ref reference;
        _length = length;
    }

    /// <summary>The element at <paramref name="index"/>, bounds-checked.</summary>
    public ref readonly T this[int index]
    {
        [Intrinsic]
        get
        {
            if ((uint)index >= (uint)_length)
            {
                ThrowHelpers.ThrowIndexOutOfRangeException();
            }

            return ref Unsafe.Add(ref _reference, (nint)(uint)index);
        }
    }

    /// <summary>Number of elements.</summary>
    public int Length
    {
        [Intrinsic]
        get => _length;
    }

    /// <summary>True when there are no elements.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>An empty span.</summary>
    public static ReadOnlySpan<T> Empty => default;

    /// <summary>A reference to the first element (null for an empty span); enables fixed.</summary>
    public ref readonly T GetPinnableReference()
    {
        ref T result = ref Unsafe.NullRef<T>();
        if (_length != 0)
        {
            result = ref _reference;
        }

        return ref result;
    }

    /// <summary>The elements from <paramref name="start"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<T> Slice(int start)
    {
        if ((uint)start > (uint)_length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), _length - start);
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<T> Slice(int start, int length)
    {
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)_length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), length);
    }

    /// <summary>Copies into <paramref name="destination"/>, which must be long enough.</summary>
    public void CopyTo(Span<T> destination)
    {
        if ((uint)_length > (uint)destination.Length)
        {
            ThrowHelpers.ThrowDestinationTooShort();
        }

        Buffer.Memmove(ref destination._reference, ref _reference, (nuint)(uint)_length);
    }

    /// <summary>Copies when <paramref name="destination"/> is long enough.</summary>
    public bool TryCopyTo(Span<T> destination)
    {
        if ((uint)_length > (uint)destination.Length)
        {
            return false;
        }

        Buffer.Memmove(ref destination._reference, ref _reference, (nuint)(uint)_length);
        return true;
    }

    /// <summary>An array as a span.</summary>
    public static implicit operator ReadOnlySpan<T>(T[] array) => new ReadOnlySpan<T>(array);
}
