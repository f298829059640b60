using System.Runtime.CompilerServices;

namespace Microkernel.Syscall;

/// <summary>null(): the call that does nothing, so a benchmark measures the ring crossing
/// and the dispatch alone.</summary>
internal static class NullCall
{
    /// <summary>null(): succeeds with 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static SystemCallResult Null() => SystemCallResult.Success;
}
