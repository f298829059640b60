using System;
using System.Runtime;

namespace Microkernel.Runtime;

/// <summary>Where a C# <c>throw</c> ends. There is no unwinding: the kernel treats a
/// throw as a bug and panics with a report; a service's host ends the service.</summary>
internal static unsafe class ExceptionDispatch
{
    /// <summary>Called by the RhpThrowEx stub with the throw site and frame pointer.</summary>
    [RuntimeExport("mk_rt_throw")]
    private static void Throw(object exception, nuint site, nuint framePointer)
    {
        PanicInfo info = default;
        info.Reason = "throw";
        if (exception is Exception e)
        {
            info.TypeName = e.TypeName;
            info.Message = e.Message;
        }
        else
        {
            info.TypeName = "(not an Exception)";
        }
        info.Site = site;
        info.FramePointer = framePointer;
        RuntimeHooks.Panic(&info);
    }

    [RuntimeExport("mk_rt_rethrow")]
    private static void Rethrow(nuint site, nuint framePointer)
    {
        PanicInfo info = default;
        info.Reason = "rethrow";
        info.Site = site;
        info.FramePointer = framePointer;
        RuntimeHooks.Panic(&info);
    }

    [RuntimeExport("mk_rt_fail_fast")]
    private static void FallbackFailFast(nuint site, nuint framePointer)
    {
        PanicInfo info = default;
        info.Reason = "fail-fast";
        info.Message = "stack cookie or runtime check failed";
        info.Site = site;
        info.FramePointer = framePointer;
        RuntimeHooks.Panic(&info);
    }
}
