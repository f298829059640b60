using System;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>A typed store value as the table passes it around: the type, the integer or
/// boolean bits, and for a Text value the UTF-8 bytes (a view, never a copy).</summary>
public readonly ref struct StoreValue
{
    /// <summary>Longest Text value, in bytes.</summary>
    public const int MaxTextBytes = 128;

    /// <summary>The value's type.</summary>
    public readonly StoreType Type;

    /// <summary>Signed, Unsigned and Boolean values (Boolean: 0 or 1).</summary>
    public readonly ulong Bits;

    /// <summary>A Text value's bytes (empty for the other types).</summary>
    public readonly ReadOnlySpan<byte> Text;

    /// <summary>A value from its parts (used by decoders; prefer the From methods).</summary>
    public StoreValue(StoreType type, ulong bits, ReadOnlySpan<byte> text)
    {
        Type = type;
        Bits = bits;
        Text = text;
    }

    /// <summary>A Signed value.</summary>
    public static StoreValue FromSigned(long value) => new StoreValue(StoreType.Signed, (ulong)value, default);

    /// <summary>An Unsigned value.</summary>
    public static StoreValue FromUnsigned(ulong value) => new StoreValue(StoreType.Unsigned, value, default);

    /// <summary>A Boolean value.</summary>
    public static StoreValue FromBoolean(bool value) => new StoreValue(StoreType.Boolean, value ? 1UL : 0UL, default);

    /// <summary>A Text value (UTF-8; the table refuses more than <see cref="MaxTextBytes"/>).</summary>
    public static StoreValue FromText(ReadOnlySpan<byte> utf8) => new StoreValue(StoreType.Text, 0, utf8);

    /// <summary>The value of a Signed entry.</summary>
    public long Signed => (long)Bits;

    /// <summary>The value of an Unsigned entry.</summary>
    public ulong Unsigned => Bits;

    /// <summary>The value of a Boolean entry.</summary>
    public bool Boolean => Bits != 0;

    /// <summary>True for one of the four value types (not None, not an unknown byte from the wire).</summary>
    public bool HasValidType => Type == StoreType.Signed || Type == StoreType.Unsigned || Type == StoreType.Text || Type == StoreType.Boolean;
}

/// <summary>A computed entry: the component that registers it answers reads and decides
/// about writes (for example an uptime counter, or a limit that accepts only some values).</summary>
/// <remarks>Called by the store while it handles a request, on the store's thread; must not
/// block. The entry's type is fixed when it is registered.</remarks>
public interface IStoreEntrySource
{
    /// <summary>The current value. A Text value may be written into <paramref name="text"/>
    /// (<see cref="StoreValue.MaxTextBytes"/> bytes) and returned as a view of it.</summary>
    StoreValue Get(Span<byte> text);

    /// <summary>Takes a new value of the entry's type; false refuses it (the caller gets
    /// <see cref="StoreStatus.Rejected"/>). Only called for entries registered writable.</summary>
    bool TrySet(in StoreValue value);
}
