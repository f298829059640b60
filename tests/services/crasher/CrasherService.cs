using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Crasher;

/// <summary>Run 0 dereferences null, run 1 divides by zero, run 2 throws; run 3 exits
/// with 3. The run number is StartInfo.RestartCount.</summary>
internal static class CrasherService
{
    private sealed class Node { internal int Value = 1; }

#pragma warning disable CS0649 // null and zero on purpose: values the compiler cannot fold
    private static Node? s_missing;
    private static int s_zero;
#pragma warning restore CS0649

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        ulong run = StartInfo.RestartCount;
        if (run == 0)
        {
            return Dereference(s_missing);
        }

        if (run == 1)
        {
            return 100 / s_zero;
        }

        if (run == 2)
        {
            throw new System.InvalidOperationException("third run fails on purpose");
        }

        SystemCall.Log("fourth run succeeds"u8);
        return (int)run;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Dereference(Node? node) => node!.Value;
}
