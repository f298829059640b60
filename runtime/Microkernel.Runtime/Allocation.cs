using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace Microkernel.Runtime;

/// <summary>The compiler's allocation entry points. Objects are never collected: the
/// kernel allocates at boot and from typed pools, services from arenas (see DESIGN.md).</summary>
internal static unsafe class Allocation
{
    [RuntimeExport("RhpNewFast")]
    private static object NewObject(MethodTable* type) => Allocate(type, type->BaseSize);

    [RuntimeExport("RhpNewFinalizable")]
    private static object NewFinalizable(MethodTable* type) => Allocate(type, type->BaseSize);

    [RuntimeExport("RhpNewFastAlign8")]
    private static object NewObjectAlign8(MethodTable* type) => Allocate(type, type->BaseSize);

    [RuntimeExport("RhpNewFastMisalign")]
    private static object NewObjectMisalign(MethodTable* type) => Allocate(type, type->BaseSize);

    [RuntimeExport("RhpNewArrayFast")]
    private static object NewArray(MethodTable* type, int length) => AllocateArray(type, length);

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static object NewPointerArray(MethodTable* type, int length) => AllocateArray(type, length);

    [RuntimeExport("RhpNewArray")]
    private static object NewArraySlow(MethodTable* type, int length) => AllocateArray(type, length);

    [RuntimeExport("RhpNewArrayFastAlign8")]
    private static object NewArrayAlign8(MethodTable* type, int length) => AllocateArray(type, length);

    [RuntimeExport("RhNewString")]
    private static object NewString(MethodTable* type, int length) => AllocateArray(type, length);

    [RuntimeExport("RhpNewVariableSizeObject")]
    private static object NewVariableSizeObject(MethodTable* type, int length) => AllocateArray(type, length);

    [RuntimeExport("RhpNewObject")]
    private static object NewObjectSlow(MethodTable* type) => Allocate(type, type->BaseSize);

    private static object AllocateArray(MethodTable* type, int length)
    {
        if (length < 0)
        {
            ThrowHelpers.ThrowOverflowException();
        }

        ulong size = type->BaseSize + (ulong)(uint)length * type->ComponentSize;
        if (size > int.MaxValue)
        {
            ThrowHelpers.ThrowOutOfMemoryException();
        }

        object array = Allocate(type, (uint)size);
        Unsafe.As<RawArrayData>(array).Length = (uint)length;
        return array;
    }

    private static object Allocate(MethodTable* type, uint size)
    {
        nuint rounded = ((nuint)size + 7) & ~(nuint)7;
        // The allocation starts with the object header word; the reference points past it.
        byte* memory = (byte*)RuntimeHooks.Allocate(rounded);
        if (memory == null)
        {
            ThrowHelpers.ThrowOutOfMemoryException();
        }

        *(MethodTable**)(memory + sizeof(nint)) = type;
        byte* reference = memory + sizeof(nint);
        return Unsafe.As<byte, object>(ref *(byte*)&reference);
    }

    /// <summary>Allocates an object of a type known only by its MethodTable (static bases).</summary>
    internal static object AllocateObject(MethodTable* type) => Allocate(type, type->BaseSize);
}
