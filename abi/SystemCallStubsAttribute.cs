namespace Microkernel.Abi;

/// <summary>Marks the services' partial class that makes system calls (userlib's
/// <c>SystemCall</c>). The ABI generator adds one public static stub per declared call,
/// with the declaration's signature and documentation, each ending in the class's
/// <c>Raw(ulong number, ulong a0, ulong a1, ulong a2, ulong a3)</c>.</summary>
[System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SystemCallStubsAttribute : System.Attribute
{
}
