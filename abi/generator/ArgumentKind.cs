namespace Microkernel.Abi.Generator;

/// <summary>How a declared argument travels in registers.</summary>
internal enum ArgumentKind
{
    /// <summary>An integer or enum: one register, the value.</summary>
    Scalar,

    /// <summary><c>ReadOnlySpan&lt;byte&gt;</c>: bytes the kernel reads; address and length.</summary>
    InBuffer,

    /// <summary><c>Span&lt;byte&gt;</c>: a buffer the kernel fills; address and capacity.</summary>
    OutBuffer,

    /// <summary><c>out long</c>: one register, the address the kernel stores the value to.</summary>
    OutValue,
}
