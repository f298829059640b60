using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System;

/// <summary>The root of every reference type.</summary>
/// <remarks>The layout is a contract with the compiler: the first field of every
/// object is the pointer to its <see cref="MethodTable"/>.</remarks>
public unsafe class Object
{
    internal MethodTable* m_pMethodTable;

    /// <summary>Creates an object.</summary>
    public Object() { }

    /// <summary>Reference equality unless a type overrides it.</summary>
    public virtual bool Equals(object obj) => (object)this == obj;

    /// <summary>A hash based on the object's address; objects never move here.</summary>
    public virtual int GetHashCode()
    {
        object self = this;
        nuint address = Unsafe.As<object, nuint>(ref self);
        return (int)(address ^ (address >> 32));
    }

    /// <summary>There is no reflection metadata in the image: objects have no names.</summary>
    public virtual string ToString() => "object";

    internal MethodTable* GetMethodTable() => m_pMethodTable;

    /// <summary>A reference to the first byte after the MethodTable pointer.</summary>
    internal ref byte GetRawData() => ref Unsafe.As<RawData>(this).Data;
}

/// <summary>Overlays an object to reach its field data.</summary>
internal sealed class RawData
{
    public byte Data;
}

/// <summary>Overlays an array to reach its length and elements.</summary>
internal sealed class RawArrayData
{
    public uint Length;
    public uint Padding;
    public byte Data;
}
