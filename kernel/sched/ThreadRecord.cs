namespace Microkernel.Scheduling;

/// <summary>
/// One thread control record. The caller provides an array of these to
/// <see cref="Scheduler.Initialize"/> (contents need not be initialised); everything the
/// scheduler keeps per thread lives here, including the intrusive links of every structure
/// a thread can be in (run queue, wait ring, sleep heap), so no operation allocates.
/// </summary>
/// <remarks>
/// <para>Each record also carries one slot of a table-wide structure: record <c>i</c>'s
/// <see cref="BucketHead"/> is the head of wait-hash bucket <c>i</c>. One pool size
/// therefore sizes everything.</para>
/// <para>Links are record indices; <see cref="ThreadTable.Nil"/> (-1) is "none".</para>
/// </remarks>
public struct ThreadRecord
{
    // Fields are ordered 8-, 4-, 2-, then 1-byte so the record packs into 104 bytes.

    // Wait key, sleep order and counters.
    internal ulong WaitKey;
    internal ulong Deadline;
    internal ulong SleepSeq;
    internal ulong Switches;
    internal ulong TicksRun;

    // Policy.
    internal int Priority;
    internal int HomeCpu;
    internal int OnCpu;
    internal int SliceLeft;

    // Run queue (doubly linked FIFO per priority); the free list reuses Next.
    internal int Next;
    internal int Prev;

    // Wait hash: threads blocked on one key form a circular ring (WaitNext/WaitPrev) in
    // FIFO order; the oldest (the "leader") is also linked into its bucket's chain
    // (ChainNext/ChainPrev). HasKey says the thread is in the hash.
    internal int WaitNext;
    internal int WaitPrev;
    internal int ChainNext;
    internal int ChainPrev;

    // Sleep heap (pairing heap per CPU): first child, next sibling, and previous sibling or
    // parent for a first child. InHeap says the thread is in its home CPU's heap.
    internal int HeapChild;
    internal int HeapSibling;
    internal int HeapPrev;

    // Table-wide slot: head of wait-hash bucket number (this record's index).
    internal int BucketHead;

    internal ushort Generation;
    internal ThreadState State;
    internal WakeReason LastWake;
    internal bool IsIdle;
    internal bool HasKey;
    internal bool InHeap;
}
