namespace Microkernel.Abi;

/// <summary>Declares one system call: a method of the <see cref="SystemCallTableAttribute"/>
/// declaration carries it, and the method's parameters are the call's typed arguments
/// (the userlib stub's signature), its doc comment the call's documentation. The ABI
/// generator (abi/generator) turns every declaration into the
/// <see cref="SystemCallNumber"/> member, the userlib stub, the kernel's dispatch case and
/// the reference in abi/SYSCALLS.md.</summary>
/// <remarks>Argument types and the registers they take (at most four: rdi, rsi, rdx, r10):
/// an integer or enum, one; <c>ReadOnlySpan&lt;byte&gt;</c> (bytes to the kernel) or
/// <c>Span&lt;byte&gt;</c> (a buffer the kernel fills), two (address, length);
/// <c>out long</c>, one (the address the kernel stores to); a span marked
/// <see cref="PackedLengthAttribute"/>, one (address | length &lt;&lt; 48).</remarks>
[System.AttributeUsage(System.AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SystemCallAttribute : System.Attribute
{
    /// <summary>Declares system call <paramref name="number"/>, called
    /// <paramref name="name"/> in the ABI's own spelling (snake_case, as the docs and the
    /// kernel log name it).</summary>
    public SystemCallAttribute(ulong number, string name)
    {
        Number = number;
        Name = name;
    }

    /// <summary>The number in rax: ABI, never reused or renumbered.</summary>
    public ulong Number { get; }

    /// <summary>The call's name in the ABI's spelling ("notify_wait").</summary>
    public string Name { get; }

    /// <summary>The kernel method that answers the call, fully qualified
    /// ("Microkernel.Process.ProcessCalls.Wait"): a static method taking one integer or enum
    /// per argument register and returning the result.</summary>
    public string? Handler { get; set; }

    /// <summary>The right the caller must hold (<see cref="ProcessRights"/>); the dispatch
    /// answers -EPERM without it, before the handler runs.</summary>
    public ProcessRights Rights { get; set; }

    /// <summary>Only the supervisor may make the call (its handler answers -EPERM to
    /// anyone else, since it needs the supervisor's process anyway).</summary>
    public bool SupervisorOnly { get; set; }

    /// <summary>The errno values (<see cref="Errno"/>, positive) the call can return,
    /// negated, besides the ones every call can (-ENOSYS for an unknown number).</summary>
    public long[]? Errors { get; set; }

    /// <summary>The userlib stub's name when it is not the declaration method's name
    /// (clock's stub is <c>ClockNanoseconds</c>).</summary>
    public string? Stub { get; set; }

    /// <summary>The call does not return to its caller (exit); the stub spins after it
    /// so the compiler knows.</summary>
    public bool NoReturn { get; set; }
}
