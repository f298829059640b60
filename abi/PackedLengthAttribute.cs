namespace Microkernel.Abi;

/// <summary>On a span argument of a system call declaration: the span travels in one
/// register as its address | length &lt;&lt; 48 (user addresses fit in 48 bits), which
/// leaves a register free for a call that needs five values (process_grant).</summary>
[System.AttributeUsage(System.AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class PackedLengthAttribute : System.Attribute
{
}
