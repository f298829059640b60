using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System;

/// <summary>Base class of every array. Only single-dimension, zero-based arrays exist here.</summary>
public abstract unsafe class Array
{
    // The layout is a contract with the compiler: a 32-bit length then padding.
    private readonly int _numComponents;

    /// <summary>Number of elements.</summary>
    public int Length => _numComponents;

    /// <summary>Sets every element of a range to its default value.</summary>
    public static void Clear(Array array, int index, int length)
    {
        if (array == null)
        {
            ThrowHelpers.ThrowArgumentNullException(nameof(array));
        }

        if ((uint)index > (uint)array.Length || (uint)length > (uint)(array.Length - index))
        {
            ThrowHelpers.ThrowArgumentOutOfRangeException(nameof(index));
        }

        uint elementSize = array.GetMethodTable()->ComponentSize;
        ref byte first = ref Unsafe.As<RawArrayData>(array).Data;
        SpanHelpers.ClearWithoutReferences(ref Unsafe.Add(ref first, (nint)((nuint)(uint)index * elementSize)),
            (nuint)(uint)length * elementSize);
    }
}

/// <summary>The compiler's view of T[] for generic interfaces; nothing is added here.</summary>
public class Array<T> : Array { }
