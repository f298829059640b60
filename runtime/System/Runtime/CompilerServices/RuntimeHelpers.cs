using Internal.Runtime;

namespace System.Runtime.CompilerServices;

/// <summary>Services the compiler's lowering calls.</summary>
public static unsafe class RuntimeHelpers
{
    /// <summary>Offset from an object reference to a string's first character.</summary>
    public static int OffsetToStringData => 12;

    /// <summary>True when T is a reference type or a struct containing references.
    /// The compiler folds this to a constant.</summary>
    [Intrinsic]
    public static bool IsReferenceOrContainsReferences<T>() => throw null;

    /// <summary>True when T is a bitwise-comparable type (folded by the compiler).</summary>
    [Intrinsic]
    internal static bool IsBitwiseEquatable<T>() => throw null;

    /// <summary>Copies an array initialiser's data from the image into the array.</summary>
    [Intrinsic]
    public static void InitializeArray(Array array, RuntimeFieldHandle fldHandle)
    {
        // The compiler expands every use it can see; a call that reaches here has data
        // the image cannot describe.
        ThrowHelpers.ThrowPlatformNotSupportedException();
    }

    /// <summary>A span over an RVA static (folded by the compiler).</summary>
    [Intrinsic]
    public static ReadOnlySpan<T> CreateSpan<T>(RuntimeFieldHandle fldHandle) => throw null;

    /// <summary>Address-based hash code of an object.</summary>
    public static int GetHashCode(object o)
    {
        object self = o;
        nuint address = Unsafe.As<object, nuint>(ref self);
        return (int)(address ^ (address >> 32));
    }

    /// <summary>Runs a type's static constructor if it has not run.</summary>
    public static void RunClassConstructor(RuntimeTypeHandle type) { }

    /// <summary>Ensures enough stack (every kernel stack is fixed size: nothing to do).</summary>
    public static void EnsureSufficientExecutionStack() { }

    internal static ref byte GetRawData(this object obj) => ref Unsafe.As<RawData>(obj).Data;

    /// <summary>Size of an object's fields in bytes (base size minus header and MethodTable pointer).</summary>
    internal static nuint GetRawObjectDataSize(this object obj)
    {
        MethodTable* mt = obj.m_pMethodTable;
        nuint size = (nuint)mt->BaseSize - (nuint)(2 * sizeof(nint));
        if (mt->HasComponentSize)
        {
            size += (nuint)Unsafe.As<RawArrayData>(obj).Length * mt->ComponentSize;
        }

        return size;
    }
}
