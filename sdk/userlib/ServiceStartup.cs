using System.Runtime.InteropServices;
using Microkernel.Runtime;

namespace Microkernel.UserRuntime;

/// <summary>What runs between the kernel starting a service and its Main (the kernel
/// passes the start page's address in rdi; StartInfo reads it): install the runtime hooks (arena, fail-fast panic, CPU 0), create static bases, call Main, exit
/// with its result.</summary>
internal static unsafe class ServiceStartup
{
    /// <summary>The service's entry, declared by each service as
    /// <c>[UnmanagedCallersOnly(EntryPoint = "service_main")] static int Main()</c>.</summary>
    [DllImport("*", EntryPoint = "service_main"), SuppressGCTransition]
    private static extern int ServiceMain();

    [DllImport("*", EntryPoint = "mk_service_modules"), SuppressGCTransition]
    private static extern void ModuleBounds(nint* start, nint* end);

    /// <summary>Status of a service that failed in its runtime (throw, fail-fast).</summary>
    internal const long FailFastStatus = -0x20000;

    [UnmanagedCallersOnly(EntryPoint = "mk_service_start")]
    private static void Start(ulong a0, ulong a1, ulong a2)
    {
        RuntimeHooks.Install(&Arena.Allocate, &FailFast, &CurrentCpu);
        nint start, end;
        ModuleBounds(&start, &end);
        if (!ModuleInitializer.Initialize(start, end))
        {
            SystemCall.Log("service: malformed module headers"u8);
            SystemCall.Exit(FailFastStatus);
        }
        SystemCall.Exit(ServiceMain());
    }

    /// <summary>A throw in a service is fail-fast: say what, then end; the supervisor restarts it.</summary>
    private static void FailFast(PanicInfo* info)
    {
        System.Span<byte> line = stackalloc byte[160];
        int n = Append(line, 0, "service failed: "u8);
        n = AppendAscii(line, n, info->TypeName ?? info->Reason);
        if (info->Message != null) { n = Append(line, n, ": "u8); n = AppendAscii(line, n, info->Message); }
        SystemCall.Log(line.Slice(0, n));
        SystemCall.Exit(FailFastStatus);
    }

    private static uint CurrentCpu() => 0;

    private static int Append(System.Span<byte> to, int at, System.ReadOnlySpan<byte> text)
    {
        int n = System.Math.Min(text.Length, to.Length - at);
        text.Slice(0, n).CopyTo(to.Slice(at));
        return at + n;
    }

    private static int AppendAscii(System.Span<byte> to, int at, string? text)
    {
        if (text == null)
        {
            return at;
        }

        for (int i = 0; i < text.Length && at < to.Length; i++)
        {
            to[at++] = text[i] < 128 ? (byte)text[i] : (byte)'?';
        }

        return at;
    }
}
