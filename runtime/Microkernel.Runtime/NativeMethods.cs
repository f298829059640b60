using System.Runtime.InteropServices;

namespace Microkernel.Runtime;

/// <summary>The runtime's few assembly helpers (runtime/native/runtime.asm).</summary>
internal static unsafe class NativeMethods
{
    /// <summary>Stops the CPU until the next interrupt (cli; hlt when no host exists).</summary>
    [DllImport("*", EntryPoint = "mk_rt_halt"), SuppressGCTransition]
    internal static extern void Halt();

    /// <summary>The caller's frame pointer.</summary>
    [DllImport("*", EntryPoint = "mk_rt_frame_pointer"), SuppressGCTransition]
    internal static extern nuint FramePointer();
}
