namespace Microkernel.UserRuntime;

/// <summary>The service's allocator behind the runtime hook: bump allocation in
/// 256 KiB chunks mapped with the map system call (zero-filled on demand by the
/// kernel). Long-lived state only; per-message work will get a resettable arena.</summary>
internal static unsafe class Arena
{
    private const ulong ChunkBytes = 256 * 1024;
    private static byte* s_next;
    private static byte* s_limit;

    /// <summary>Bytes handed out so far.</summary>
    internal static ulong Used;

    internal static void* Allocate(nuint size)
    {
        ulong rounded = ((ulong)size + 15) & ~15UL;
        if (s_next == null || (ulong)(s_limit - s_next) < rounded)
        {
            ulong bytes = rounded > ChunkBytes ? (rounded + 4095) & ~4095UL : ChunkBytes;
            long chunk = SystemCall.Map(0, bytes, 3, 0);
            if (chunk < 0)
            {
                return null;
            }

            s_next = (byte*)chunk;
            s_limit = s_next + bytes;
        }
        byte* block = s_next;
        s_next += rounded;
        Used += rounded;
        return block;
    }
}
