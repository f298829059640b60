namespace Microkernel.Memory.Heap;

/// <summary>
/// Where the heap gets whole pages: slabs, large blocks and (with the
/// <see cref="SlabHeap{TPages, TCpu, TLock}.Initialize(TPages, TCpu, uint)"/> overload) its own
/// metadata. The kernel implements it over the frame allocator; host tests over
/// <c>NativeMemory.AlignedAlloc</c>.
/// </summary>
/// <remarks>
/// Contract: every address returned is aligned to <see cref="HeapLayout.SlabBytes"/> (16 KiB),
/// whatever <c>count</c> is, and stays readable and writable until <see cref="FreePages"/>. The
/// heap finds a block's header by masking the block's address, so this alignment is what lets
/// <c>Free</c> and <c>UsableSize</c> work without a global page table; the heap checks it and
/// treats a misaligned answer as out-of-memory (the pages are given back). Memory need not be
/// zeroed. The heap calls the source only under its own page lock, so the source need not be
/// thread-safe, but it must not allocate from the heap.
/// </remarks>
public interface ISlabPageSource
{
    /// <summary><paramref name="count"/> (at least 1) contiguous 4 KiB pages, 16 KiB aligned.</summary>
    bool TryAllocatePages(int count, out nuint address);

    /// <summary>Returns pages from an earlier <see cref="TryAllocatePages"/> with the same count.</summary>
    void FreePages(nuint address, int count);
}

/// <summary>The calling CPU, as a dense index below the CPU count given to <c>Initialize</c>.</summary>
/// <remarks>
/// The heap reads it once per call and then uses that CPU's cache for the rest of the call, so
/// the caller must keep the thread on that CPU and keep anything else on that CPU (an interrupt
/// handler) out of the heap until the call returns: the kernel masks interrupts around every heap
/// call. An index at or above the CPU count is not fatal: such calls bypass the caches and go
/// straight to the locked pools.
/// </remarks>
public interface ICpuContext
{
    /// <summary>The calling CPU's index.</summary>
    uint CurrentCpu { get; }
}

/// <summary>A mutual-exclusion lock the heap embeds (one per size class plus one for pages) in
/// its metadata, so it must be unmanaged and work when zero-initialised.</summary>
/// <remarks>
/// The heap never takes a lock recursively and always takes a class lock before the page lock.
/// The kernel implements it as a spin lock (interrupts are already masked by the heap's caller);
/// host tests as a compare-and-swap spin lock that yields.
/// </remarks>
public interface IHeapLock
{
    /// <summary>Waits for and takes the lock.</summary>
    void Enter();

    /// <summary>Releases the lock taken by <see cref="Enter"/>.</summary>
    void Exit();
}
