using System.Runtime.CompilerServices;

namespace System;

/// <summary>A contiguous region of memory: a reference and a length.</summary>
[System.Runtime.Versioning.NonVersionable]
public readonly ref struct Span<T>
{
    internal readonly ref T _reference;
    private readonly int _length;

    /// <summary>Over a whole array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span(T[] array)
    {
        if (array == null) { this = default; return; }
        _reference = ref Unsafe.As<byte, T>(ref Unsafe.As<RawArrayData>(array).Data);
        _length = array.Length;
    }

    /// <summary>Over part of an array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span(T[] array, int start, int length)
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

    /// <summary>Over unmanaged memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe Span(void* pointer, int length)
    {
        if (length < 0)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        _reference = ref Unsafe.As<byte, T>(ref *(byte*)pointer);
        _length = length;
    }

    /// <summary>Over a single element.</summary>
    public Span(ref T reference)
    {
        _reference = ref reference;
        _length = 1;
    }

    internal Span(ref T reference, int length)
    {
        _reference = ref reference;
        _length = length;
    }

    /// <summary>The element at <paramref name="index"/>, bounds-checked.</summary>
    public ref T this[int index]
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
    public static Span<T> Empty => default;

    /// <summary>A reference to the first element (null for an empty span); enables fixed.</summary>
    public ref T GetPinnableReference()
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
    public Span<T> Slice(int start)
    {
        if ((uint)start > (uint)_length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        return new Span<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), _length - start);
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Slice(int start, int length)
    {
        if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)_length)
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        }

        return new Span<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), length);
    }

    /// <summary>Sets every element to its default value.</summary>
    public void Clear()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            SpanHelpers.ClearWithReferences(ref Unsafe.As<T, nint>(ref _reference), (nuint)(uint)_length * (nuint)(Unsafe.SizeOf<T>() / Unsafe.SizeOf<nint>()));
        }
        else
        {
            SpanHelpers.ClearWithoutReferences(ref Unsafe.As<T, byte>(ref _reference), (nuint)(uint)_length * (nuint)Unsafe.SizeOf<T>());
        }
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(T value)
    {
        for (int i = 0; i < _length; i++)
        {
            Unsafe.Add(ref _reference, (nint)(uint)i) = value;
        }
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

    /// <summary>A read-only view.</summary>
    public static implicit operator ReadOnlySpan<T>(Span<T> span) => new ReadOnlySpan<T>(ref span._reference, span._length);

    /// <summary>An array as a span.</summary>
    public static implicit operator Span<T>(T[] array) => new Span<T>(array);

    /// <summary>A read-only view.</summary>
    public ReadOnlySpan<T> AsReadOnly() => this;
}
