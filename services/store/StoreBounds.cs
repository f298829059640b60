using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>The range its owner allows a Signed or Unsigned entry (given with Register):
/// the store refuses a Set outside it with <see cref="StoreStatus.Rejected"/>, so the
/// owner's rule holds for every writer without the store calling back into the owner.
/// Either side may be open.</summary>
public readonly struct StoreBounds
{
    /// <summary>A lower bound is set.</summary>
    public readonly bool HasMinimum;
    /// <summary>An upper bound is set.</summary>
    public readonly bool HasMaximum;
    /// <summary>The lower bound's bits (a Signed entry's as a long).</summary>
    public readonly ulong Minimum;
    /// <summary>The upper bound's bits.</summary>
    public readonly ulong Maximum;

    private StoreBounds(bool hasMinimum, ulong minimum, bool hasMaximum, ulong maximum)
    {
        HasMinimum = hasMinimum;
        Minimum = minimum;
        HasMaximum = hasMaximum;
        Maximum = maximum;
    }

    /// <summary>No bounds.</summary>
    public static StoreBounds None => default;

    /// <summary>True when either side is set.</summary>
    public bool IsSet => HasMinimum || HasMaximum;

    /// <summary>Bounds from their bits, either side open (a Signed entry's as longs).</summary>
    public static StoreBounds Of(bool hasMinimum, ulong minimum, bool hasMaximum, ulong maximum) =>
        new StoreBounds(hasMinimum, minimum, hasMaximum, maximum);

    /// <summary>[minimum, maximum] for an Unsigned entry.</summary>
    public static StoreBounds Unsigned(ulong minimum, ulong maximum) => new StoreBounds(true, minimum, true, maximum);

    /// <summary>[minimum, maximum] for a Signed entry.</summary>
    public static StoreBounds Signed(long minimum, long maximum) => new StoreBounds(true, (ulong)minimum, true, (ulong)maximum);

    /// <summary>Bounds from Register's wire fields: a side whose type is None is open; a side
    /// of another type than the entry's, or bounds on a Text or Boolean entry, is WrongType.</summary>
    public static StoreStatus FromWire(StoreType entryType, scoped in StoreWireValue minimum, scoped in StoreWireValue maximum, out StoreBounds bounds)
    {
        bounds = default;
        bool hasMinimum = minimum.Type != StoreType.None, hasMaximum = maximum.Type != StoreType.None;
        if (!hasMinimum && !hasMaximum)
        {
            return StoreStatus.Ok;
        }

        if (entryType != StoreType.Signed && entryType != StoreType.Unsigned)
        {
            return StoreStatus.WrongType;
        }

        if ((hasMinimum && minimum.Type != entryType) || (hasMaximum && maximum.Type != entryType))
        {
            return StoreStatus.WrongType;
        }

        bounds = new StoreBounds(hasMinimum, Bits(in minimum), hasMaximum, Bits(in maximum));
        return StoreStatus.Ok;
    }

    private static ulong Bits(scoped in StoreWireValue value) => value.Type == StoreType.Signed ? (ulong)value.Signed : value.Unsigned;

    /// <summary>True when the sides are in order for an entry of <paramref name="type"/>.</summary>
    public bool IsOrdered(StoreType type) => !HasMinimum || !HasMaximum || !Less(type, Maximum, Minimum);

    /// <summary>True when <paramref name="value"/> lies within (always, without bounds or for
    /// a type bounds do not apply to).</summary>
    public bool Admits(in StoreValue value)
    {
        if (value.Type != StoreType.Signed && value.Type != StoreType.Unsigned)
        {
            return true;
        }

        if (HasMinimum && Less(value.Type, value.Bits, Minimum))
        {
            return false;
        }

        if (HasMaximum && Less(value.Type, Maximum, value.Bits))
        {
            return false;
        }

        return true;
    }

    private static bool Less(StoreType type, ulong a, ulong b) => type == StoreType.Signed ? (long)a < (long)b : a < b;
}
