using System.Numerics;

namespace Microkernel.Scheduling;

/// <summary>
/// One CPU's scheduling state: a FIFO list of ready threads per priority (intrusive links
/// in the records), a bitmap of non-empty priorities, the CPU's current and idle threads,
/// and the root of its sleep heap. Enqueue at either end, dequeue of the highest priority
/// and removal of any queued thread are O(1).
/// </summary>
/// <remarks>The caller provides one per CPU to <see cref="Scheduler.Initialize"/> and must
/// hold that CPU's run-queue lock around any call that touches it (see the README).
/// Contents need not be initialised.</remarks>
public unsafe struct RunQueue
{
    /// <summary>Number of priority levels (bits in the bitmap).</summary>
    public const int Levels = 32;

    private fixed int _head[Levels];
    private fixed int _tail[Levels];
    private uint _bitmap;
    private int _count;

    internal int Current;
    internal int Idle;
    internal int SleepRoot;
    internal int Sleepers;
    internal ulong Now;
    internal ulong ContextSwitches;
    internal ulong IdleTicks;

    /// <summary>Ready threads queued (the current thread and the idle thread excluded).</summary>
    public readonly int Count => _count;

    /// <summary>Bit p set when priority p has a ready thread.</summary>
    public readonly uint Bitmap => _bitmap;

    /// <summary>Highest priority with a ready thread, or -1 when empty. O(1).</summary>
    public readonly int HighestPriority => _bitmap == 0 ? -1 : BitOperations.Log2(_bitmap);

    internal void Reset(int idle)
    {
        for (int p = 0; p < Levels; p++)
        {
            _head[p] = ThreadTable.Nil;
            _tail[p] = ThreadTable.Nil;
        }

        _bitmap = 0;
        _count = 0;
        Current = idle;
        Idle = idle;
        SleepRoot = ThreadTable.Nil;
        Sleepers = 0;
        Now = 0;
        ContextSwitches = 0;
        IdleTicks = 0;
    }

    /// <summary>First queued thread of priority <paramref name="priority"/>, or Nil.</summary>
    internal readonly int HeadOf(int priority) => _head[priority];

    /// <summary>Appends (or, with <paramref name="atHead"/>, prepends) record
    /// <paramref name="index"/> to the list of its priority.</summary>
    internal void Enqueue(ref ThreadTable table, int index, bool atHead)
    {
        ref ThreadRecord r = ref table[index];
        int p = r.Priority;
        if (_head[p] == ThreadTable.Nil)
        {
            r.Next = ThreadTable.Nil;
            r.Prev = ThreadTable.Nil;
            _head[p] = index;
            _tail[p] = index;
            _bitmap |= 1u << p;
        }
        else if (atHead)
        {
            r.Prev = ThreadTable.Nil;
            r.Next = _head[p];
            table[_head[p]].Prev = index;
            _head[p] = index;
        }
        else
        {
            r.Next = ThreadTable.Nil;
            r.Prev = _tail[p];
            table[_tail[p]].Next = index;
            _tail[p] = index;
        }

        _count++;
    }

    /// <summary>Unlinks queued record <paramref name="index"/>.</summary>
    internal void Remove(ref ThreadTable table, int index)
    {
        ref ThreadRecord r = ref table[index];
        int p = r.Priority;
        if (r.Prev == ThreadTable.Nil)
        {
            _head[p] = r.Next;
        }
        else
        {
            table[r.Prev].Next = r.Next;
        }

        if (r.Next == ThreadTable.Nil)
        {
            _tail[p] = r.Prev;
        }
        else
        {
            table[r.Next].Prev = r.Prev;
        }

        if (_head[p] == ThreadTable.Nil)
        {
            _bitmap &= ~(1u << p);
        }

        r.Next = ThreadTable.Nil;
        r.Prev = ThreadTable.Nil;
        _count--;
    }

    /// <summary>Removes and returns the first thread of the highest non-empty priority, or
    /// Nil when empty.</summary>
    internal int DequeueHighest(ref ThreadTable table)
    {
        if (_bitmap == 0)
        {
            return ThreadTable.Nil;
        }

        int index = _head[BitOperations.Log2(_bitmap)];
        Remove(ref table, index);
        return index;
    }
}
