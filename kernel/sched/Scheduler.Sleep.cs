namespace Microkernel.Scheduling;

/// <summary>The sleep heaps: one pairing heap per CPU of the threads with a deadline
/// (sleepers and timed blocks) homed there, ordered by (deadline, order of going to sleep).
/// Intrusive (links in the records): insert O(1), remove-min and remove-any O(log n)
/// amortised, min O(1).</summary>
public unsafe partial struct Scheduler
{
    private readonly bool Earlier(int a, int b)
    {
        ref ThreadRecord ra = ref _table[a];
        ref ThreadRecord rb = ref _table[b];
        return ra.Deadline < rb.Deadline || (ra.Deadline == rb.Deadline && ra.SleepSeq < rb.SleepSeq);
    }

    /// <summary>Melds two heap roots (each with no sibling and no parent); returns the root.</summary>
    private int Meld(int a, int b)
    {
        if (a == Nil)
        {
            return b;
        }

        if (b == Nil)
        {
            return a;
        }

        if (Earlier(b, a))
        {
            int t = a;
            a = b;
            b = t;
        }

        ref ThreadRecord ra = ref _table[a];
        ref ThreadRecord rb = ref _table[b];
        rb.HeapSibling = ra.HeapChild;
        if (ra.HeapChild != Nil)
        {
            _table[ra.HeapChild].HeapPrev = b;
        }

        rb.HeapPrev = a;
        ra.HeapChild = b;
        return a;
    }

    /// <summary>Two-pass pairing of a sibling list: meld pairs left to right, then the
    /// pairs right to left. Returns the root of the result (no sibling, no parent).</summary>
    private int MergePairs(int first)
    {
        if (first == Nil)
        {
            return Nil;
        }

        int stack = Nil;
        int a = first;
        while (a != Nil)
        {
            int b = _table[a].HeapSibling;
            _table[a].HeapSibling = Nil;
            _table[a].HeapPrev = Nil;
            int next = Nil;
            if (b != Nil)
            {
                next = _table[b].HeapSibling;
                _table[b].HeapSibling = Nil;
                _table[b].HeapPrev = Nil;
                a = Meld(a, b);
            }

            _table[a].HeapSibling = stack;
            stack = a;
            a = next;
        }

        int result = stack;
        stack = _table[result].HeapSibling;
        _table[result].HeapSibling = Nil;
        while (stack != Nil)
        {
            int next = _table[stack].HeapSibling;
            _table[stack].HeapSibling = Nil;
            result = Meld(result, stack);
            stack = next;
        }

        return result;
    }

    private void HeapInsert(int index, ulong deadline)
    {
        ref ThreadRecord r = ref _table[index];
        r.InHeap = true;
        r.Deadline = deadline;
        r.SleepSeq = ++_sleepSeq;
        r.HeapChild = Nil;
        r.HeapSibling = Nil;
        r.HeapPrev = Nil;
        ref RunQueue q = ref _queues[r.HomeCpu];
        q.SleepRoot = Meld(q.SleepRoot, index);
        q.Sleepers++;
    }

    private void HeapRemove(int index)
    {
        ref ThreadRecord r = ref _table[index];
        ref RunQueue q = ref _queues[r.HomeCpu];
        int children = MergePairs(r.HeapChild);
        if (q.SleepRoot == index)
        {
            q.SleepRoot = children;
        }
        else
        {
            ref ThreadRecord p = ref _table[r.HeapPrev];
            if (p.HeapChild == index)
            {
                p.HeapChild = r.HeapSibling;
            }
            else
            {
                p.HeapSibling = r.HeapSibling;
            }

            if (r.HeapSibling != Nil)
            {
                _table[r.HeapSibling].HeapPrev = r.HeapPrev;
            }

            q.SleepRoot = Meld(q.SleepRoot, children);
        }

        r.InHeap = false;
        r.Deadline = Forever;
        r.HeapChild = Nil;
        r.HeapSibling = Nil;
        r.HeapPrev = Nil;
        q.Sleepers--;
    }
}
