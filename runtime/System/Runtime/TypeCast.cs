using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime;

/// <summary>Casting and array-store checks the compiler calls by name.</summary>
/// <remarks>No generic variance and no multi-dimensional arrays exist in the image;
/// arrays of references are covariant as C# requires.</remarks>
internal static unsafe class TypeCast
{
    [RuntimeExport("RhTypeCast_IsInstanceOfClass")]
    public static object IsInstanceOfClass(MethodTable* targetType, object obj)
    {
        if (obj == null)
        {
            return null;
        }

        return IsAssignable(obj.m_pMethodTable, targetType) ? obj : null;
    }

    [RuntimeExport("RhTypeCast_IsInstanceOfInterface")]
    public static object IsInstanceOfInterface(MethodTable* targetType, object obj)
    {
        if (obj == null)
        {
            return null;
        }

        return ImplementsInterface(obj.m_pMethodTable, targetType) ? obj : null;
    }

    [RuntimeExport("RhTypeCast_IsInstanceOfAny")]
    public static object IsInstanceOfAny(MethodTable* targetType, object obj)
    {
        if (obj == null)
        {
            return null;
        }

        return IsAssignable(obj.m_pMethodTable, targetType) ? obj : null;
    }

    [RuntimeExport("RhTypeCast_IsInstanceOfException")]
    public static bool IsInstanceOfException(MethodTable* targetType, object obj) =>
        obj != null && IsAssignable(obj.m_pMethodTable, targetType);

    [RuntimeExport("RhTypeCast_CheckCastClass")]
    public static object CheckCastClass(MethodTable* targetType, object obj)
    {
        if (obj == null || IsAssignable(obj.m_pMethodTable, targetType))
        {
            return obj;
        }

        ThrowHelpers.ThrowInvalidCastException();
        return null;
    }

    [RuntimeExport("RhTypeCast_CheckCastClassSpecial")]
    public static object CheckCastClassSpecial(MethodTable* targetType, object obj) => CheckCastClass(targetType, obj);

    [RuntimeExport("RhTypeCast_CheckCastInterface")]
    public static object CheckCastInterface(MethodTable* targetType, object obj)
    {
        if (obj == null || ImplementsInterface(obj.m_pMethodTable, targetType))
        {
            return obj;
        }

        ThrowHelpers.ThrowInvalidCastException();
        return null;
    }

    [RuntimeExport("RhTypeCast_CheckCastAny")]
    public static object CheckCastAny(MethodTable* targetType, object obj) => CheckCastClass(targetType, obj);

    [RuntimeExport("RhTypeCast_AreTypesAssignable")]
    public static bool AreTypesAssignable(MethodTable* source, MethodTable* target) => IsAssignable(source, target);

    /// <summary>Stores a reference into an array element, checking covariance.</summary>
    [RuntimeExport("RhpStelemRef")]
    public static void StelemRef(object[] array, nint index, object value)
    {
        if (array == null)
        {
            ThrowHelpers.ThrowNullReferenceException();
        }

        if ((nuint)index >= (nuint)(uint)array.Length)
        {
            ThrowHelpers.ThrowIndexOutOfRangeException();
        }

        ref object element = ref Unsafe.As<byte, object>(ref Unsafe.As<RawArrayData>(array).Data);
        element = ref Unsafe.Add(ref element, index);
        if (value == null) { element = null; return; }
        MethodTable* elementType = array.m_pMethodTable->RelatedType;
        if (value.m_pMethodTable != elementType && !IsAssignable(value.m_pMethodTable, elementType))
        {
            ThrowHelpers.ThrowArrayTypeMismatchException();
        }

        element = value;
    }

    /// <summary>Address of an array element for a ref access, checking the exact type.</summary>
    [RuntimeExport("RhpLdelemaRef")]
    public static ref object LdelemaRef(object[] array, nint index, MethodTable* elementType)
    {
        if (array == null)
        {
            ThrowHelpers.ThrowNullReferenceException();
        }

        if ((nuint)index >= (nuint)(uint)array.Length)
        {
            ThrowHelpers.ThrowIndexOutOfRangeException();
        }

        if (elementType != array.m_pMethodTable->RelatedType)
        {
            ThrowHelpers.ThrowArrayTypeMismatchException();
        }

        ref object element = ref Unsafe.As<byte, object>(ref Unsafe.As<RawArrayData>(array).Data);
        return ref Unsafe.Add(ref element, index);
    }

    /// <summary>True when a value of type <paramref name="source"/> may be used as <paramref name="target"/>.</summary>
    internal static bool IsAssignable(MethodTable* source, MethodTable* target)
    {
        if (source == target)
        {
            return true;
        }

        if (target->IsInterface)
        {
            return ImplementsInterface(source, target);
        }

        if (source->IsArray && target->IsArray)
        {
            // Covariance: T[] -> U[] when T is a reference type assignable to U.
            MethodTable* sourceElement = source->RelatedType;
            MethodTable* targetElement = target->RelatedType;
            if (sourceElement == targetElement)
            {
                return true;
            }

            if (sourceElement->IsValueType || targetElement->IsValueType)
            {
                return false;
            }

            return IsAssignable(sourceElement, targetElement);
        }
        // Casts of arrays to System.Array or object are not emitted by the compiler
        // (both are implicit), so an array matches only array targets.
        if (source->IsParameterized)
        {
            return false;
        }

        for (MethodTable* t = source->BaseType; t != null; t = t->BaseType)
        {
            if (t == target)
            {
                return true;
            }
        }

        return false;
    }

    internal static bool ImplementsInterface(MethodTable* type, MethodTable* interfaceType)
    {
        MethodTable** map = type->InterfaceMap;
        int count = type->NumInterfaces;
        for (int i = 0; i < count; i++)
        {
            if (map[i] == interfaceType)
            {
                return true;
            }
        }

        return false;
    }
}
