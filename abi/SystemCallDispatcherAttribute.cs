namespace Microkernel.Abi;

/// <summary>Marks the kernel's partial class that answers system calls. The ABI generator
/// implements its one unimplemented partial method, <c>static partial long
/// Name(Frame* frame)</c>, as a switch from <c>frame-&gt;Number</c> to each declared
/// call's handler with its arguments taken from <c>frame-&gt;Rdi</c>, <c>Rsi</c>,
/// <c>Rdx</c> and <c>R10</c> and cast to the handler's parameter types; unknown numbers
/// get -ENOSYS. A call that declares <see cref="SystemCallAttribute.Rights"/> is checked
/// first through the class's <c>static bool CallerHas(ProcessRights right)</c>.</summary>
[System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SystemCallDispatcherAttribute : System.Attribute
{
}
