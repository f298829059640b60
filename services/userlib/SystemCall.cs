using System.Runtime.InteropServices;

namespace Microkernel.UserRuntime
{
    /// <summary>The kernel's system calls as seen from a service (numbers match
    /// kernel/arch/x86_64/SystemCalls.cs). Results: non-negative on success, -errno on error.</summary>
    public static unsafe class SystemCall
    {
        [DllImport("*", EntryPoint = "mk_user_syscall"), SuppressGCTransition]
        private static extern long Raw(ulong number, ulong a0, ulong a1, ulong a2, ulong a3);

        /// <summary>Ends the service with <paramref name="status"/>; never returns.</summary>
        public static void Exit(long status)
        {
            Raw(0, (ulong)status, 0, 0, 0);
            while (true) { }
        }

        /// <summary>Writes one line to the kernel log; returns the length or -errno.</summary>
        public static long Log(System.ReadOnlySpan<byte> text)
        {
            fixed (byte* p = text) return Raw(1, (ulong)p, (ulong)text.Length, 0, 0);
        }

        /// <summary>Nanoseconds since boot.</summary>
        public static long ClockNanoseconds() => Raw(2, 0, 0, 0, 0);

        /// <summary>Anonymous memory (protection: 1 read, 2 write, 4 execute); the address or -errno.</summary>
        public static long Map(ulong hint, ulong length, ulong protection, ulong flags) => Raw(3, hint, length, protection, flags);

        /// <summary>Removes a range.</summary>
        public static long Unmap(ulong address, ulong length) => Raw(4, address, length, 0, 0);

        /// <summary>Blocks until the channel's peer notifies; 0, or -EPIPE (-32) once the peer is gone.</summary>
        public static long Wait(ulong handle) => Raw(7, handle, 0, 0, 0);

        /// <summary>Wakes the channel's peer; 0, or -EPIPE when it is gone.</summary>
        public static long Notify(ulong handle) => Raw(8, handle, 0, 0, 0);

        /// <summary>Does nothing in the kernel: the cost of the round trip itself.</summary>
        public static long Null() => Raw(9, 0, 0, 0, 0);

        /// <summary>The time-stamp counter, read in ring 3.</summary>
        [DllImport("*", EntryPoint = "mk_user_rdtsc"), SuppressGCTransition]
        public static extern ulong ReadTsc();

        /// <summary>Gives up the CPU.</summary>
        public static long Yield() => Raw(6, 0, 0, 0, 0);

        /// <summary>Changes a range's protection.</summary>
        public static long Protect(ulong address, ulong length, ulong protection) => Raw(5, address, length, protection, 0);
    }
}
