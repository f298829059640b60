namespace Microkernel.Runtime;

/// <summary>What a failure looks like when it reaches the panic hook.</summary>
public struct PanicInfo
{
    /// <summary>Short reason, e.g. "throw" or "fail-fast".</summary>
    public string Reason;
    /// <summary>The exception type's name, or null.</summary>
    public string TypeName;
    /// <summary>The message, or null.</summary>
    public string Message;
    /// <summary>Return address at the failure site (the instruction after the call).</summary>
    public nuint Site;
    /// <summary>Frame pointer at the failure site, for the stack walk.</summary>
    public nuint FramePointer;
}

/// <summary>The three things the runtime needs from whoever hosts it (the kernel, or a
/// service's user-side runtime): memory, a way to die loudly, and the CPU number.</summary>
/// <remarks>Set once, before the first allocation, with <see cref="Install"/>. Until
/// then an allocation or a throw halts in <see cref="Unhosted"/>.</remarks>
public static unsafe class RuntimeHooks
{
    private static delegate*<nuint, void*> s_allocate;
    private static delegate*<PanicInfo*, void> s_panic;
    private static delegate*<uint> s_currentCpu;

    /// <summary>Installs the host's functions.</summary>
    /// <param name="allocate">Returns <paramref name="allocate"/>(n) bytes, zeroed and
    /// 8-byte aligned, or null when out of memory.</param>
    /// <param name="panic">Reports and never returns.</param>
    /// <param name="currentCpu">The number of the executing CPU.</param>
    public static void Install(delegate*<nuint, void*> allocate, delegate*<PanicInfo*, void> panic, delegate*<uint> currentCpu)
    {
        s_allocate = allocate;
        s_panic = panic;
        s_currentCpu = currentCpu;
    }

    /// <summary>Zeroed, 8-byte aligned memory, or null.</summary>
    internal static void* Allocate(nuint size)
    {
        if (s_allocate == null)
        {
            Unhosted();
        }

        return s_allocate(size);
    }

    /// <summary>The executing CPU (0 before a host is installed).</summary>
    internal static uint CurrentCpu() => s_currentCpu == null ? 0 : s_currentCpu();

    /// <summary>Hands a failure to the host; never returns.</summary>
    internal static void Panic(PanicInfo* info)
    {
        if (s_panic == null)
        {
            Unhosted();
        }

        s_panic(info);
        Unhosted();
    }

    /// <summary>Panics with a fixed reason from runtime code.</summary>
    internal static void FailFast(string message, nuint site)
    {
        PanicInfo info = default;
        info.Reason = "fail-fast";
        info.Message = message;
        info.Site = site;
        Panic(&info);
    }

    private static void Unhosted()
    {
        // No host means no console either: stop here, where a debugger will find it.
        while (true)
        {
            NativeMethods.Halt();
        }
    }
}
