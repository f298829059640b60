using System;

namespace Microkernel.Memory.Heap.Tests;

/// <summary>A heap over host pages with its arena; the heap lives in this object's field so
/// every thread works on the same struct (through <see cref="Heap"/>, a ref).</summary>
public sealed unsafe class TestHeap : IDisposable
{
    private SlabHeap<HostPages, FakeCpu, HostSpinLock> _heap;

    public TestHeap(uint cpus = 1, long pageLimit = long.MaxValue, bool quarantine = true, bool fillGarbage = true)
    {
        Arena = new HostPageArena(pageLimit, quarantine, fillGarbage);
        HeapInitStatus status = _heap.Initialize(new HostPages(Arena), default, cpus);
        if (status != HeapInitStatus.Ok)
        {
            throw new InvalidOperationException("heap init: " + status);
        }
    }

    public HostPageArena Arena { get; }

    public ref SlabHeap<HostPages, FakeCpu, HostSpinLock> Heap => ref _heap;

    public void Dispose() => Arena.Dispose();
}
