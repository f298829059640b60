namespace Microkernel.Abi;

/// <summary>Marks the one interface whose methods declare the system calls (each with
/// <see cref="SystemCallAttribute"/>). The interface is a declaration only: nothing
/// implements it; the ABI generator reads it.</summary>
[System.AttributeUsage(System.AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class SystemCallTableAttribute : System.Attribute
{
}
