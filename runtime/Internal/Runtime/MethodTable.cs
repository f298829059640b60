using System.Runtime.CompilerServices;

namespace Internal.Runtime;

/// <summary>Our read-only view of the compiler's type descriptor (a "MethodTable").</summary>
/// <remarks>Layout of ILCompiler 10: flags, base size, related type, vtable slot count,
/// interface count, hash; then the vtable; then the interface map (one MethodTable
/// pointer each); then 32-bit relative pointers: type manager, writable data,
/// dispatch map (if any), finalizer (if any), optional fields (if any), sealed
/// vtable (if any). Only what the runtime uses is exposed.</remarks>
internal unsafe struct MethodTable
{
    private uint _uFlags;
    private uint _uBaseSize;
    private MethodTable* _relatedType;
    private ushort _usNumVtableSlots;
    private ushort _usNumInterfaces;
    private uint _uHashCode;

    private const uint HasComponentSizeFlag = 0x80000000;
    private const uint HasDispatchMapFlag = 0x00040000;
    private const uint HasFinalizerFlag = 0x00100000;
    private const uint HasSealedVTableEntriesFlag = 0x00400000;
    private const uint OptionalFieldsFlag = 0x01000000;
    private const uint KindMask = 0x00030000;
    private const uint ParameterizedKind = 0x00020000;
    private const uint ElementTypeMask = 0x7C000000;
    private const int ElementTypeShift = 26;

    internal const int ElementTypeClass = 0x14;
    internal const int ElementTypeInterface = 0x15;
    internal const int ElementTypeArray = 0x17;
    internal const int ElementTypeSzArray = 0x18;
    internal const int ElementTypeValueType = 0x10;
    internal const int ElementTypeNullable = 0x12;

    internal bool HasComponentSize => (_uFlags & HasComponentSizeFlag) != 0;
    internal ushort ComponentSize => HasComponentSize ? (ushort)_uFlags : (ushort)0;
    internal uint BaseSize => _uBaseSize;
    internal ushort NumVtableSlots => _usNumVtableSlots;
    internal ushort NumInterfaces => _usNumInterfaces;
    internal int ElementType => (int)((_uFlags & ElementTypeMask) >> ElementTypeShift);
    internal bool IsInterface => ElementType == ElementTypeInterface;
    internal bool IsArray => ElementType == ElementTypeArray || ElementType == ElementTypeSzArray;
    internal bool IsValueType => ElementType < ElementTypeClass;
    internal bool IsParameterized => (_uFlags & KindMask) == ParameterizedKind;
    internal bool HasDispatchMap => (_uFlags & HasDispatchMapFlag) != 0;
    internal bool HasSealedVTableEntries => (_uFlags & HasSealedVTableEntriesFlag) != 0;

    /// <summary>The base type of a class, or the element type of an array.</summary>
    internal MethodTable* RelatedType => _relatedType;

    /// <summary>For non-array types: the base type (null for System.Object and interfaces).</summary>
    internal MethodTable* BaseType => IsParameterized ? null : _relatedType;

    internal nint* Vtable => (nint*)((byte*)Unsafe.AsPointer(ref this) + sizeof(MethodTable));

    internal MethodTable** InterfaceMap => (MethodTable**)(Vtable + _usNumVtableSlots);

    /// <summary>The first 32-bit relative pointer after the interface map.</summary>
    private int* RelativeFields => (int*)(InterfaceMap + _usNumInterfaces);

    private static byte* Follow(int* relative) => (byte*)relative + *relative;

    /// <summary>The dispatch map (interface method -> implementation slot), or null.</summary>
    internal DispatchMap* DispatchMap
    {
        get
        {
            if (!HasDispatchMap)
            {
                return null;
            }
            // [0] type manager, [1] writable data, [2] dispatch map.
            return (DispatchMap*)Follow(RelativeFields + 2);
        }
    }

    /// <summary>The code address of a sealed virtual slot (slot index past the vtable).</summary>
    internal nint GetSealedVirtualSlot(int sealedIndex)
    {
        int* field = RelativeFields + 2;
        if (HasDispatchMap)
        {
            field++;
        }

        if ((_uFlags & HasFinalizerFlag) != 0)
        {
            field++;
        }

        if ((_uFlags & OptionalFieldsFlag) != 0)
        {
            field++;
        }

        int* table = (int*)Follow(field);
        return (nint)Follow(table + sealedIndex);
    }
}

/// <summary>Which vtable slot implements which interface method, per type.</summary>
internal unsafe struct DispatchMap
{
    internal ushort StandardEntryCount;
    internal ushort DefaultEntryCount;
    internal ushort StandardStaticEntryCount;
    internal ushort DefaultStaticEntryCount;

    internal struct Entry
    {
        internal ushort InterfaceIndex;
        internal ushort InterfaceMethodSlot;
        internal ushort ImplementationSlot;
    }

    internal Entry* Entries => (Entry*)((byte*)Unsafe.AsPointer(ref this) + 8);
}
