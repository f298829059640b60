namespace Microkernel.Memory.Virtual;

/// <summary>
/// One mapped range <c>[Start, End)</c> of an address space, page aligned, with uniform
/// attributes. Adjacent areas in a map always differ in at least one attribute
/// (protection, kind or name): identical neighbours are merged.
/// </summary>
public readonly struct VmArea
{
    /// <summary>First byte (page aligned).</summary>
    public readonly ulong Start;

    /// <summary>One past the last byte (page aligned, exclusive).</summary>
    public readonly ulong End;

    /// <summary>Access rights.</summary>
    public readonly VmProtection Protection;

    /// <summary>Backing.</summary>
    public readonly VmAreaKind Kind;

    /// <summary>Caller-chosen label for fault reports ("stack", "heap", ...): an id into
    /// the caller's own table of names.</summary>
    public readonly ushort Name;

    /// <summary>Makes an area; <see cref="AddressSpaceMap"/> checks the values.</summary>
    public VmArea(ulong start, ulong end, VmProtection protection, VmAreaKind kind, ushort name)
    {
        Start = start;
        End = end;
        Protection = protection;
        Kind = kind;
        Name = name;
    }

    /// <summary>Bytes covered.</summary>
    public ulong Length => End - Start;

    /// <summary>True when <paramref name="address"/> is inside the area.</summary>
    public bool Contains(ulong address) => address >= Start && address < End;

    /// <summary>True when protection, kind and name are equal (the range is ignored):
    /// such areas merge when they touch.</summary>
    public bool SameAttributes(in VmArea other) =>
        Protection == other.Protection && Kind == other.Kind && Name == other.Name;

    internal VmArea WithRange(ulong start, ulong end) => new VmArea(start, end, Protection, Kind, Name);

    internal VmArea WithProtection(VmProtection protection) => new VmArea(Start, End, protection, Kind, Name);
}
