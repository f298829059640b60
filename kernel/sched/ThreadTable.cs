using System.Runtime.CompilerServices;

namespace Microkernel.Scheduling;

/// <summary>
/// The fixed-capacity table of <see cref="ThreadRecord"/>s in caller-provided storage,
/// with a free list and generation-checked <see cref="ThreadId"/>s. Allocation, freeing
/// and id resolution are O(1). Capacity is at most <see cref="MaxCapacity"/> (ids keep the
/// index in 16 bits).
/// </summary>
public unsafe struct ThreadTable
{
    /// <summary>"No record" in every intrusive link.</summary>
    public const int Nil = -1;

    /// <summary>Largest capacity an id can address.</summary>
    public const int MaxCapacity = 65535;

    private ThreadRecord* _records;
    private int _capacity;
    private int _free;
    private int _used;

    /// <summary>Records in the pool.</summary>
    public readonly int Capacity => _capacity;

    /// <summary>Records in use (every state but <see cref="ThreadState.Free"/>, idle
    /// threads included).</summary>
    public readonly int Count => _used;

    /// <summary>Takes <paramref name="capacity"/> records at <paramref name="records"/>
    /// (kept for the table's lifetime) and marks them all free.</summary>
    public SchedStatus Initialize(ThreadRecord* records, int capacity)
    {
        if (records == null || capacity <= 0 || capacity > MaxCapacity)
        {
            return SchedStatus.InvalidArgument;
        }

        _records = records;
        _capacity = capacity;
        _used = 0;
        _free = Nil;
        for (int i = capacity - 1; i >= 0; i--)
        {
            ref ThreadRecord r = ref records[i];
            r = default;
            r.Generation = 1;
            r.State = ThreadState.Free;
            r.Next = _free;
            r.BucketHead = Nil;
            _free = i;
        }

        return SchedStatus.Ok;
    }

    /// <summary>The record at <paramref name="index"/> (no checks: the index comes from a
    /// resolved id or an internal link).</summary>
    internal readonly ref ThreadRecord this[int index] => ref _records[index];

    /// <summary>The current id of the record at <paramref name="index"/>.</summary>
    internal readonly ThreadId IdOf(int index) => new ThreadId(index, _records[index].Generation);

    /// <summary>The record index of a live thread, or <see cref="SchedStatus.StaleId"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // on every scheduler entry point: two per hand-off
    public readonly SchedStatus Resolve(ThreadId id, out int index)
    {
        index = id.Index;
        if (index >= _capacity || id.IsNone)
        {
            index = Nil;
            return SchedStatus.StaleId;
        }

        ref ThreadRecord r = ref _records[index];
        if (r.State == ThreadState.Free || r.Generation != id.Generation)
        {
            index = Nil;
            return SchedStatus.StaleId;
        }

        return SchedStatus.Ok;
    }

    /// <summary>Takes a free record (state still <see cref="ThreadState.Free"/>; the caller
    /// fills it in), or <see cref="SchedStatus.TableFull"/>.</summary>
    internal SchedStatus Allocate(out int index)
    {
        index = _free;
        if (index == Nil)
        {
            return SchedStatus.TableFull;
        }

        _free = _records[index].Next;
        _used++;
        return SchedStatus.Ok;
    }

    /// <summary>Returns a record to the free list and bumps its generation (skipping 0) so
    /// every id issued for it goes stale.</summary>
    internal void Release(int index)
    {
        ref ThreadRecord r = ref _records[index];
        ushort generation = (ushort)(r.Generation + 1);
        r.Generation = generation == 0 ? (ushort)1 : generation;
        r.State = ThreadState.Free;
        r.Next = _free;
        _free = index;
        _used--;
    }
}
