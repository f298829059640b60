using System.Threading;
using Microkernel.Arch;
using Microkernel.Memory.Heap;

namespace Microkernel.Memory;

/// <summary>The kernel's object heap behind the runtime's allocation hook once the
/// frame allocator exists: the SMP-safe slab heap (mm/heap) over frames, with per-CPU
/// caches in front of locked per-class pools.</summary>
/// <remarks>The slab heap's contract, kept here: interrupts are masked around every
/// call (a CPU's cache is touched only by that CPU, and an interrupt handler must not
/// find it half-updated); the page source returns 16 KiB-aligned runs; the lock is a
/// plain spin lock because interrupts are already masked.</remarks>
internal static unsafe class KernelObjectHeap
{
    /// <summary>CPUs the heap keeps caches for (the kernel's SMP limit for now).</summary>
    internal const uint MaxCpus = 8;

    private static SlabHeap<FramePageSource, BootCpu, HeapSpinLock> s_heap;

    internal static bool IsReady => s_heap.IsInitialized;

    /// <summary>Objects and bytes in use, for the store and tests.</summary>
    internal static long BytesInUse => s_heap.TotalBytesInUse;
    internal static long PagesHeld => s_heap.PagesHeld;

    internal static bool Initialize() =>
        s_heap.Initialize(default, default, MaxCpus) == HeapInitStatus.Ok;

    /// <summary>The runtime's allocation hook: zeroed, 16-byte aligned, or null.</summary>
    internal static void* Allocate(nuint size)
    {
        bool interrupts = Cpu.InterruptsEnabled;
        Cpu.DisableInterrupts();
        void* block = s_heap.Allocate(size);
        if (interrupts)
        {
            Cpu.EnableInterrupts();
        }

        return block;
    }

    /// <summary>Returns a block (explicit pools only: nothing frees C# objects implicitly).</summary>
    internal static HeapFreeStatus Free(void* block)
    {
        bool interrupts = Cpu.InterruptsEnabled;
        Cpu.DisableInterrupts();
        HeapFreeStatus status = s_heap.Free(block);
        if (interrupts)
        {
            Cpu.EnableInterrupts();
        }

        return status;
    }

    private struct FramePageSource : ISlabPageSource
    {
        public bool TryAllocatePages(int count, out nuint address)
        {
            // 16 KiB alignment: the heap finds a block's slab by masking its address.
            bool ok = PhysicalMemory.TryAllocateContiguous(FramePurpose.Slab, (ulong)count, 4, out ulong physical);
            address = (nuint)physical;
            return ok;
        }

        public void FreePages(nuint address, int count)
        {
            for (int i = 0; i < count; i++)
            {
                PhysicalMemory.Free(FramePurpose.Slab, (ulong)address + (ulong)i * 4096);
            }
        }
    }

    /// <summary>The executing CPU's dense index (only the boot CPU runs kernel code yet).</summary>
    private struct BootCpu : ICpuContext
    {
        public readonly uint CurrentCpu => 0;
    }

    /// <summary>A spin lock that works zeroed; interrupts are masked by the caller.</summary>
    private struct HeapSpinLock : IHeapLock
    {
        private int _held;

        public void Enter()
        {
            while (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
            {
                while (Volatile.Read(ref _held) != 0)
                {
                    Cpu.Pause();
                }
            }
        }

        public void Exit() => Volatile.Write(ref _held, 0);
    }
}
