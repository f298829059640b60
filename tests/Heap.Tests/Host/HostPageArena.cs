using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;

namespace Microkernel.Memory.Heap.Tests;

/// <summary>
/// Host pages for the heap: 16 KiB aligned runs from <c>NativeMemory.AlignedAlloc</c>, filled
/// with garbage (the heap must zero what it hands out). Tracks every run so the tests can check
/// the heap's page accounting and that it frees exactly what it took. With
/// <see cref="Quarantine"/> freed runs stay mapped (filled with garbage) until
/// <see cref="Dispose"/>, so stale frees read real memory.
/// </summary>
public sealed unsafe class HostPageArena : IDisposable
{
    private readonly Dictionary<nuint, (int Count, nuint Run)> _live = new();
    private readonly List<nuint> _quarantined = new();
    private readonly object _gate = new();
    private long _pagesOut;
    private long _callsInFlight;

    public HostPageArena(long pageLimit = long.MaxValue, bool quarantine = true, bool fillGarbage = true)
    {
        PageLimit = pageLimit;
        Quarantine = quarantine;
        FillGarbage = fillGarbage;
    }

    public long PageLimit { get; set; }

    public bool Quarantine { get; }

    public bool FillGarbage { get; }

    /// <summary>Hands out runs misaligned by one page (to test the heap's alignment check).</summary>
    public bool Misalign { get; set; }

    public long PagesOut => Interlocked.Read(ref _pagesOut);

    public int RunsOut
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>Calls the heap made while another call was running (its page lock failed).</summary>
    public long OverlappingCalls { get; private set; }

    /// <summary>Bad FreePages calls (unknown address or wrong count).</summary>
    public int BadFrees { get; private set; }

    public bool TryAllocate(int count, out nuint address)
    {
        Enter();
        try
        {
            address = 0;
            if (count <= 0 || _pagesOut + count > PageLimit)
            {
                return false;
            }

            nuint bytes = (nuint)count * HeapLayout.PageSize;
            byte* run = (byte*)NativeMemory.AlignedAlloc(bytes + (Misalign ? HeapLayout.PageSize : 0u), HeapLayout.SlabBytes);
            if (run == null)
            {
                return false;
            }

            if (FillGarbage)
            {
                new Span<byte>(run, (int)bytes).Fill(0xA5);
            }

            address = (nuint)run + (Misalign ? (nuint)HeapLayout.PageSize : 0);
            lock (_gate)
            {
                _live.Add(address, (count, (nuint)run));
            }

            _pagesOut += count;
            return true;
        }
        finally
        {
            Exit();
        }
    }

    public void Free(nuint address, int count)
    {
        Enter();
        try
        {
            lock (_gate)
            {
                if (!_live.TryGetValue(address, out (int Count, nuint Run) held) || held.Count != count)
                {
                    BadFrees++;
                    return;
                }

                _live.Remove(address);
                nuint run = held.Run;
                if (Quarantine)
                {
                    new Span<byte>((void*)address, count * HeapLayout.PageSize).Fill(0x5A);
                    _quarantined.Add(run);
                }
                else
                {
                    NativeMemory.AlignedFree((void*)run);
                }
            }

            _pagesOut -= count;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Every run ever handed out, live or quarantined, is freed.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach ((int Count, nuint Run) held in _live.Values)
            {
                NativeMemory.AlignedFree((void*)held.Run);
            }

            foreach (nuint run in _quarantined)
            {
                NativeMemory.AlignedFree((void*)run);
            }

            _live.Clear();
            _quarantined.Clear();
        }
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref _callsInFlight) != 1)
        {
            OverlappingCalls++;
        }
    }

    private void Exit() => Interlocked.Decrement(ref _callsInFlight);
}

/// <summary>The heap's page source over a <see cref="HostPageArena"/>.</summary>
public readonly struct HostPages : ISlabPageSource
{
    private readonly HostPageArena _arena;

    public HostPages(HostPageArena arena) => _arena = arena;

    public bool TryAllocatePages(int count, out nuint address) => _arena.TryAllocate(count, out address);

    public void FreePages(nuint address, int count) => _arena.Free(address, count);
}
