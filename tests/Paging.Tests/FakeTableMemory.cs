using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microkernel.Memory.Paging;

namespace Microkernel.Tests;

/// <summary>Page-table frames as native 4 KiB blocks at fake physical addresses;
/// counts live tables and refuses allocation past a budget (to test out-of-memory).</summary>
public sealed unsafe class TablePool : IDisposable
{
    private readonly Dictionary<ulong, nint> _frames = new();
    private ulong _next = 0x10_0000;
    public int Budget { get; set; } = int.MaxValue;
    public int Live => _frames.Count;
    public int Freed { get; private set; }

    public bool TryAllocate(out ulong physical)
    {
        physical = 0;
        if (_frames.Count >= Budget)
        {
            return false;
        }

        physical = _next;
        _next += 4096;
        nint block = (nint)NativeMemory.AlignedAlloc(4096, 4096);
        new Span<byte>((void*)block, 4096).Clear();
        _frames.Add(physical, block);
        return true;
    }

    public void Free(ulong physical)
    {
        if (!_frames.Remove(physical, out nint block))
        {
            throw new InvalidOperationException($"free of unknown table 0x{physical:x}");
        }

        NativeMemory.AlignedFree((void*)block);
        Freed++;
    }

    public ulong* Table(ulong physical) =>
        _frames.TryGetValue(physical, out nint block) ? (ulong*)block : throw new InvalidOperationException($"no table at 0x{physical:x}");

    public void Dispose()
    {
        foreach (nint block in _frames.Values)
        {
            NativeMemory.AlignedFree((void*)block);
        }

        _frames.Clear();
    }
}

/// <summary>The editor's view of a <see cref="TablePool"/>.</summary>
public unsafe struct FakeTableMemory : IPageTableMemory
{
    private readonly TablePool _pool;
    public FakeTableMemory(TablePool pool) { _pool = pool; }
    public bool TryAllocateTable(out ulong physicalAddress) => _pool.TryAllocate(out physicalAddress);
    public void FreeTable(ulong physicalAddress) => _pool.Free(physicalAddress);
    public ulong* Table(ulong physicalAddress) => _pool.Table(physicalAddress);
}
