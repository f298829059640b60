using System;

namespace Microkernel.Services.Contracts;

/// <summary>Store wire values of each type, for Set and Register requests.</summary>
public static class StoreValues
{
    /// <summary>A Signed wire value.</summary>
    public static StoreWireValue Signed(long value) => new StoreWireValue { Type = StoreType.Signed, Signed = value };

    /// <summary>An Unsigned wire value.</summary>
    public static StoreWireValue Unsigned(ulong value) => new StoreWireValue { Type = StoreType.Unsigned, Unsigned = value };

    /// <summary>A Boolean wire value.</summary>
    public static StoreWireValue Boolean(bool value) => new StoreWireValue { Type = StoreType.Boolean, Boolean = value };

    /// <summary>A Text wire value.</summary>
    public static StoreWireValue Text(ReadOnlySpan<byte> utf8) => new StoreWireValue { Type = StoreType.Text, Text = utf8 };
}
