using Internal.Runtime;

namespace System;

/// <summary>A type as the compiler hands it to code: a MethodTable pointer.</summary>
public unsafe struct RuntimeTypeHandle
{
    private readonly IntPtr _value;
    internal RuntimeTypeHandle(MethodTable* methodTable) { _value = (IntPtr)methodTable; }
    internal MethodTable* ToMethodTable() => (MethodTable*)_value;
    /// <summary>The raw MethodTable pointer.</summary>
    public IntPtr Value => _value;
}

/// <summary>A method handle (kept for the compiler; no reflection here).</summary>
public struct RuntimeMethodHandle { private readonly IntPtr _value; }

/// <summary>A field handle (used by array initialisers).</summary>
public struct RuntimeFieldHandle { private readonly IntPtr _value; }

/// <summary>A type. There is no reflection: only identity through its handle.</summary>
public unsafe class Type
{
    private readonly RuntimeTypeHandle _handle;
    internal Type(RuntimeTypeHandle handle) { _handle = handle; }

    /// <summary>The handle of this type.</summary>
    public RuntimeTypeHandle TypeHandle => _handle;

    /// <summary>typeof(T) lowers to this.</summary>
    public static Type GetTypeFromHandle(RuntimeTypeHandle handle) => new RuntimeType(handle);

    /// <summary>Two Type objects of the same MethodTable are equal.</summary>
    public static bool operator ==(Type a, Type b)
    {
        if ((object)a == (object)b)
        {
            return true;
        }

        if ((object)a == null || (object)b == null)
        {
            return false;
        }

        return a._handle.Value == b._handle.Value;
    }

    /// <summary>Negation of ==.</summary>
    public static bool operator !=(Type a, Type b) => !(a == b);

    /// <inheritdoc/>
    public override bool Equals(object obj) => obj is Type t && this == t;

    /// <inheritdoc/>
    public override int GetHashCode() => (int)(long)_handle.Value;
}

/// <summary>The runtime's concrete Type (the compiler asks for it by name).</summary>
internal sealed class RuntimeType : Type
{
    internal RuntimeType(RuntimeTypeHandle handle) : base(handle) { }
}

/// <summary>A value that can be released deterministically.</summary>
public interface IDisposable
{
    /// <summary>Releases the value's resources.</summary>
    void Dispose();
}

/// <summary>Typed equality.</summary>
public interface IEquatable<T>
{
    /// <summary>True when equal to <paramref name="other"/>.</summary>
    bool Equals(T other);
}
