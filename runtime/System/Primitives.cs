#pragma warning disable CS0169, CS0649
namespace System;

// The primitive types. Each wraps a field of itself, as the compiler expects; the
// arithmetic is done by the compiler, not by these declarations.

/// <summary>true or false.</summary>
public readonly struct Boolean { private readonly bool m_value; }
/// <summary>A UTF-16 code unit.</summary>
public readonly struct Char { private readonly char m_value; public const char MaxValue = (char)0xFFFF; public const char MinValue = (char)0; }
/// <summary>Signed 8-bit integer.</summary>
public readonly struct SByte { private readonly sbyte m_value; public const sbyte MaxValue = 127; public const sbyte MinValue = -128; }
/// <summary>Unsigned 8-bit integer.</summary>
public readonly struct Byte { private readonly byte m_value; public const byte MaxValue = 255; public const byte MinValue = 0; }
/// <summary>Signed 16-bit integer.</summary>
public readonly struct Int16 { private readonly short m_value; public const short MaxValue = 32767; public const short MinValue = -32768; }
/// <summary>Unsigned 16-bit integer.</summary>
public readonly struct UInt16 { private readonly ushort m_value; public const ushort MaxValue = 65535; public const ushort MinValue = 0; }
/// <summary>Signed 32-bit integer.</summary>
public readonly struct Int32
{
    private readonly int m_value;
    public const int MaxValue = 0x7fffffff;
    public const int MinValue = unchecked((int)0x80000000);
}
/// <summary>Unsigned 32-bit integer.</summary>
public readonly struct UInt32
{
    private readonly uint m_value;
    public const uint MaxValue = 0xffffffff;
    public const uint MinValue = 0;
}
/// <summary>Signed 64-bit integer.</summary>
public readonly struct Int64
{
    private readonly long m_value;
    public const long MaxValue = 0x7fffffffffffffffL;
    public const long MinValue = unchecked((long)0x8000000000000000UL);
}
/// <summary>Unsigned 64-bit integer.</summary>
public readonly struct UInt64
{
    private readonly ulong m_value;
    public const ulong MaxValue = 0xffffffffffffffffUL;
    public const ulong MinValue = 0;
}
/// <summary>32-bit floating point.</summary>
public readonly struct Single { private readonly float m_value; }
/// <summary>64-bit floating point.</summary>
public readonly struct Double { private readonly double m_value; }

/// <summary>A pointer-sized signed integer (nint).</summary>
public readonly unsafe struct IntPtr
{
    private readonly void* _value;
    public static readonly nint Zero;
    public IntPtr(void* value) { _value = value; }
    public IntPtr(int value) { _value = (void*)value; }
    public IntPtr(long value) { _value = (void*)value; }
    public void* ToPointer() => _value;
    public static int Size => 8;
    public static explicit operator IntPtr(int value) => new IntPtr(value);
    public static explicit operator IntPtr(long value) => new IntPtr(value);
    public static explicit operator IntPtr(void* value) => new IntPtr(value);
    public static explicit operator void*(IntPtr value) => value._value;
    public static explicit operator long(IntPtr value) => (long)value._value;
    public static explicit operator int(IntPtr value) => (int)(long)value._value;
    public static bool operator ==(IntPtr a, IntPtr b) => a._value == b._value;
    public static bool operator !=(IntPtr a, IntPtr b) => a._value != b._value;
}

/// <summary>A pointer-sized unsigned integer (nuint).</summary>
public readonly unsafe struct UIntPtr
{
    private readonly void* _value;
    public static readonly nuint Zero;
    public UIntPtr(void* value) { _value = value; }
    public UIntPtr(uint value) { _value = (void*)value; }
    public UIntPtr(ulong value) { _value = (void*)value; }
    public void* ToPointer() => _value;
    public static int Size => 8;
    public static explicit operator UIntPtr(uint value) => new UIntPtr(value);
    public static explicit operator UIntPtr(ulong value) => new UIntPtr(value);
    public static explicit operator UIntPtr(void* value) => new UIntPtr(value);
    public static explicit operator void*(UIntPtr value) => value._value;
    public static explicit operator ulong(UIntPtr value) => (ulong)value._value;
    public static bool operator ==(UIntPtr a, UIntPtr b) => a._value == b._value;
    public static bool operator !=(UIntPtr a, UIntPtr b) => a._value != b._value;
}

/// <summary>A value type that may hold no value.</summary>
public struct Nullable<T> where T : struct
{
    private readonly bool hasValue;
    internal T value;
    public Nullable(T value) { this.value = value; hasValue = true; }
    public readonly bool HasValue => hasValue;
    public readonly T Value
    {
        get
        {
            if (!hasValue)
            {
                ThrowHelpers.ThrowInvalidOperationException("Nullable object must have a value.");
            }

            return value;
        }
    }
    public readonly T GetValueOrDefault() => value;
    public static implicit operator T?(T value) => new T?(value);
    public static explicit operator T(T? value) => value.Value;
}
