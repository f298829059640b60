namespace Microkernel.Scheduling;

/// <summary>Consistency check of every structure, for tests and debug builds.</summary>
public unsafe partial struct Scheduler
{
    /// <summary>
    /// Walks every run queue, sleep heap and wait bucket and checks that each live thread
    /// is in exactly the structures its state says (Ready: its home queue at its priority;
    /// Blocked: the wait hash, and its home heap iff it has a deadline; Sleeping: its home
    /// heap only; others: none), that links, counts and bitmaps agree and heaps are
    /// ordered. Returns 0 when consistent, else the number of the first failed check.
    /// O(capacity + cpus × levels); not for hot paths.
    /// </summary>
    public readonly int Validate()
    {
        int capacity = _table.Capacity;
        int live = 0;
        int queued = 0;
        int inHeaps = 0;
        int waiting = 0;
        for (int i = 0; i < capacity; i++)
        {
            ref ThreadRecord r = ref _table[i];
            if (r.State == ThreadState.Free)
            {
                continue;
            }

            live++;
            bool wantQueue = r.State == ThreadState.Ready && !r.IsIdle;
            bool wantKey = r.State == ThreadState.Blocked;
            if (r.HasKey != wantKey)
            {
                return 1;
            }

            if (r.InHeap && r.State != ThreadState.Blocked && r.State != ThreadState.Sleeping)
            {
                return 2;
            }

            if (r.State == ThreadState.Sleeping && !r.InHeap)
            {
                return 3;
            }

            if (r.IsIdle != (i < _cpuCount) || (uint)r.HomeCpu >= (uint)_cpuCount)
            {
                return 4;
            }

            if (r.OnCpu != Nil && _queues[r.OnCpu].Current != i)
            {
                return 5;
            }

            if (r.State == ThreadState.Running && r.OnCpu != r.HomeCpu)
            {
                return 6;
            }

            if (!r.IsIdle && (uint)r.Priority > MaxPriority)
            {
                return 7;
            }

            queued += wantQueue ? 1 : 0;
            inHeaps += r.InHeap ? 1 : 0;
            waiting += r.HasKey ? 1 : 0;
        }

        if (live != _table.Count)
        {
            return 8;
        }

        int seenQueued = 0;
        int seenHeap = 0;
        for (int cpu = 0; cpu < _cpuCount; cpu++)
        {
            ref RunQueue q = ref _queues[cpu];
            if (_table[q.Current].OnCpu != cpu || q.Idle != cpu)
            {
                return 9;
            }

            int count = 0;
            uint bitmap = 0;
            for (int p = 0; p < RunQueue.Levels; p++)
            {
                int prev = Nil;
                for (int i = q.HeadOf(p); i != Nil; i = _table[i].Next)
                {
                    ref ThreadRecord r = ref _table[i];
                    if (r.State != ThreadState.Ready || r.IsIdle || r.Priority != p || r.HomeCpu != cpu || r.Prev != prev || ++count > capacity)
                    {
                        return 10;
                    }

                    bitmap |= 1u << p;
                    prev = i;
                }
            }

            if (count != q.Count || bitmap != q.Bitmap)
            {
                return 11;
            }

            seenQueued += count;
            int sleepers = CheckHeap(q.SleepRoot, Nil, cpu, capacity);
            if (sleepers < 0 || sleepers != q.Sleepers)
            {
                return 12;
            }

            seenHeap += sleepers;
        }

        if (seenQueued != queued || seenHeap != inHeaps)
        {
            return 13;
        }

        int buckets = 1 << _bucketBits;
        int seenWaiting = 0;
        for (int b = 0; b < buckets; b++)
        {
            int prevLeader = Nil;
            for (int l = _table[b].BucketHead; l != Nil; l = _table[l].ChainNext)
            {
                ref ThreadRecord leader = ref _table[l];
                if (!leader.HasKey || Bucket(leader.WaitKey) != b || leader.ChainPrev != prevLeader || seenWaiting > capacity)
                {
                    return 14;
                }

                for (int o = leader.ChainNext; o != Nil; o = _table[o].ChainNext)
                {
                    if (_table[o].WaitKey == leader.WaitKey)
                    {
                        return 15;
                    }
                }

                int i = l;
                do
                {
                    ref ThreadRecord r = ref _table[i];
                    if (!r.HasKey || r.WaitKey != leader.WaitKey || _table[r.WaitNext].WaitPrev != i || ++seenWaiting > capacity)
                    {
                        return 16;
                    }

                    if (i != l && (r.ChainNext != Nil || r.ChainPrev != Nil))
                    {
                        return 17;
                    }

                    i = r.WaitNext;
                }
                while (i != l);
                prevLeader = l;
            }
        }

        return seenWaiting == waiting ? 0 : 18;
    }

    /// <summary>Checks one heap: order, links, home CPU. Returns its size or -1.</summary>
    private readonly int CheckHeap(int root, int parent, int cpu, int capacity)
    {
        if (root == Nil)
        {
            return 0;
        }

        // Pre-order walk with no stack: descend to the first child, else move to the next
        // sibling, else climb (through HeapPrev) until an ancestor has a next sibling.
        int size = 0;
        int node = root;
        if (_table[root].HeapPrev != parent || _table[root].HeapSibling != Nil)
        {
            return -1;
        }

        while (node != Nil)
        {
            ref ThreadRecord r = ref _table[node];
            if (!r.InHeap || r.HomeCpu != cpu || ++size > capacity)
            {
                return -1;
            }

            for (int c = r.HeapChild, prev = node; c != Nil; prev = c, c = _table[c].HeapSibling)
            {
                if (_table[c].HeapPrev != prev || Earlier(c, node))
                {
                    return -1;
                }
            }

            if (r.HeapChild != Nil)
            {
                node = r.HeapChild;
                continue;
            }

            while (node != root && _table[node].HeapSibling == Nil)
            {
                node = ParentOf(node);
            }

            node = node == root ? Nil : _table[node].HeapSibling;
        }

        return size;
    }

    private readonly int ParentOf(int node)
    {
        int p = _table[node].HeapPrev;
        while (_table[p].HeapChild != node)
        {
            node = p;
            p = _table[p].HeapPrev;
        }

        return p;
    }
}
