using System;

namespace Microkernel.Services.Store
{
    /// <summary>The kernel's own figures, which the store is to publish under <c>kernel/...</c>
    /// (memory, per-service state and restarts, scheduler and IPC counters). Nothing implements
    /// it yet: the kernel has no system call that reports these figures, and the store does
    /// not invent them. When that call exists, a service-side implementation over it is
    /// registered as computed entries (<see cref="IStoreEntrySource"/>), one static entry per
    /// kernel-wide figure and one dynamic object per service (<c>kernel/&lt;service&gt;/state</c>,
    /// <c>kernel/&lt;service&gt;/restarts</c>). Uptime already comes from the clock system call
    /// (<c>kernel/clock/uptime-ns</c>).</summary>
    public interface IKernelFigures
    {
        /// <summary>RAM the kernel manages and how much of it is free, in KiB.</summary>
        bool TryReadMemory(out ulong totalKib, out ulong freeKib);

        /// <summary>Services the kernel runs now.</summary>
        int ServiceCount { get; }

        /// <summary>Service <paramref name="index"/>: its name (copied into <paramref name="name"/>),
        /// whether it is running, and how often it was restarted.</summary>
        bool TryReadService(int index, Span<byte> name, out int nameLength, out bool running, out uint restarts);
    }
}
