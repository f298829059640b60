using System.Runtime.CompilerServices;

namespace Microkernel.Scheduling;

/// <summary>The wait hash: blocked threads by key.</summary>
/// <remarks>
/// <para>There are 2^floor(log2 capacity) buckets; bucket b's head is
/// <c>records[b].BucketHead</c>. Threads blocked on one key form a circular doubly linked
/// ring in the order they blocked; only the oldest, the leader, is linked into the bucket's
/// chain. So a lookup walks the distinct keys of one bucket, not their waiters, and
/// removing any waiter is O(1) once its key's leader is known (a non-leader is unlinked
/// from its ring without finding the leader at all).</para>
/// </remarks>
public unsafe partial struct Scheduler
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a few instructions, several calls per call/reply
    private readonly int Bucket(ulong key)
    {
        if (_bucketBits == 0)
        {
            return 0;
        }

        return (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - _bucketBits));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a few instructions, several calls per call/reply
    private readonly int FindLeader(ulong key)
    {
        int i = _table[Bucket(key)].BucketHead;
        while (i != Nil && _table[i].WaitKey != key)
        {
            i = _table[i].ChainNext;
        }

        return i;
    }

    /// <summary>True if waiting record <paramref name="index"/> leads its key's ring (it is
    /// linked into its bucket's chain). O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a few instructions, several calls per call/reply
    private readonly bool IsLeader(int index)
    {
        ref ThreadRecord r = ref _table[index];
        return r.ChainPrev != Nil || _table[Bucket(r.WaitKey)].BucketHead == index;
    }

    /// <summary>Appends record <paramref name="index"/> to the waiters on <paramref name="key"/>.</summary>
    private void WaitInsert(int index, ulong key)
    {
        ref ThreadRecord r = ref _table[index];
        r.HasKey = true;
        r.WaitKey = key;
        int leader = FindLeader(key);
        if (leader == Nil)
        {
            ref int head = ref _table[Bucket(key)].BucketHead;
            r.WaitNext = index;
            r.WaitPrev = index;
            r.ChainPrev = Nil;
            r.ChainNext = head;
            if (head != Nil)
            {
                _table[head].ChainPrev = index;
            }

            head = index;
            return;
        }

        ref ThreadRecord l = ref _table[leader];
        int tail = l.WaitPrev;
        r.WaitPrev = tail;
        r.WaitNext = leader;
        _table[tail].WaitNext = index;
        l.WaitPrev = index;
        r.ChainNext = Nil;
        r.ChainPrev = Nil;
    }

    /// <summary>Takes record <paramref name="index"/> out of the wait hash; if it led its
    /// key's ring, the next waiter takes its place in the bucket chain.</summary>
    private void WaitRemove(int index)
    {
        ref ThreadRecord r = ref _table[index];
        ref int head = ref _table[Bucket(r.WaitKey)].BucketHead;
        bool leader = IsLeader(index);
        int replacement = r.WaitNext == index ? Nil : r.WaitNext;
        if (replacement != Nil)
        {
            _table[r.WaitPrev].WaitNext = r.WaitNext;
            _table[r.WaitNext].WaitPrev = r.WaitPrev;
        }

        if (leader)
        {
            if (replacement == Nil)
            {
                if (r.ChainPrev == Nil)
                {
                    head = r.ChainNext;
                }
                else
                {
                    _table[r.ChainPrev].ChainNext = r.ChainNext;
                }

                if (r.ChainNext != Nil)
                {
                    _table[r.ChainNext].ChainPrev = r.ChainPrev;
                }
            }
            else
            {
                ref ThreadRecord n = ref _table[replacement];
                n.ChainPrev = r.ChainPrev;
                n.ChainNext = r.ChainNext;
                if (r.ChainPrev == Nil)
                {
                    head = replacement;
                }
                else
                {
                    _table[r.ChainPrev].ChainNext = replacement;
                }

                if (r.ChainNext != Nil)
                {
                    _table[r.ChainNext].ChainPrev = replacement;
                }
            }
        }

        r.HasKey = false;
        r.WaitNext = Nil;
        r.WaitPrev = Nil;
        r.ChainNext = Nil;
        r.ChainPrev = Nil;
    }
}
