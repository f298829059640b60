using System.Runtime.CompilerServices;

namespace Microkernel.Syscall;

/// <summary>What every system call handler returns: a non-negative value on success, or a
/// Linux errno (abi's <see cref="Abi.Errno"/>) on failure. It is the long the ABI hands back
/// in rax, kept in one place so no handler negates an errno by hand.</summary>
/// <remarks>A readonly struct over one long: it travels in a register like the long it
/// replaced, so the call/reply path pays nothing for it.</remarks>
internal readonly struct SystemCallResult
{
    private readonly long _raw;

    private SystemCallResult(long raw)
    {
        _raw = raw;
    }

    /// <summary>Success with nothing to report (0).</summary>
    internal static SystemCallResult Success
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => default;
    }

    /// <summary>True when the call succeeded.</summary>
    internal bool IsOk => _raw >= 0;

    /// <summary>The value of a successful call (undefined for a failed one).</summary>
    internal long Value => _raw;

    /// <summary>The errno of a failed call, or 0 for a successful one.</summary>
    internal long Errno => _raw < 0 ? -_raw : 0;

    /// <summary>What rax carries back to ring 3: the value, or the negated errno.</summary>
    internal long Raw => _raw;

    /// <summary>Success carrying <paramref name="value"/> (non-negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static SystemCallResult Ok(long value) => new(value);

    /// <summary>Failure with <paramref name="errno"/>, a positive <see cref="Abi.Errno"/> constant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static SystemCallResult Fail(long errno) => new(-errno);
}
