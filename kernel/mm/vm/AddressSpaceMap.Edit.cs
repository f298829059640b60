using System;

namespace Microkernel.Memory.Virtual;

/// <summary>
/// The one range rewrite behind Map, Unmap and Protect. The window is every area that
/// overlaps or touches <c>[Start, End)</c>; its pieces are streamed in address order,
/// changed by the edit, and coalesced into maximal runs. A dry pass counts the runs so
/// the pool check is exact; the apply pass writes run i into window node i in place
/// (a run is written only into a node already read), then inserts the runs left over or
/// frees the nodes left over. So the tree never holds more nodes than the larger of
/// before and after, and a failed check changes nothing.
/// </summary>
public unsafe partial struct AddressSpaceMap
{
    private enum EditKind : byte
    {
        Map,
        Unmap,
        Protect,
    }

    /// <summary>What to do to <c>[Start, End)</c>: Map puts <see cref="Area"/> there,
    /// Unmap clears it, Protect gives every piece <see cref="Area"/>'s protection.</summary>
    private readonly struct Edit
    {
        public readonly EditKind Kind;
        public readonly ulong Start;
        public readonly ulong End;
        public readonly VmArea Area;

        public Edit(EditKind kind, ulong start, ulong end, VmArea area)
        {
            Kind = kind;
            Start = start;
            End = end;
            Area = area;
        }
    }

    /// <summary>Up to three finished runs waiting for a window node that has been read.
    /// Runs finished never exceed nodes read by more than two (one area split at both
    /// edges yields three pieces), so three is enough.</summary>
    private struct RunQueue
    {
        private VmArea _first;
        private VmArea _second;
        private VmArea _third;
        public int Count;

        public void Push(in VmArea run)
        {
            switch (Count)
            {
                case 0: _first = run; break;
                case 1: _second = run; break;
                case 2: _third = run; break;
                default: throw new InvalidOperationException("VM rewrite queue overflow");
            }

            Count++;
        }

        public VmArea Pop()
        {
            VmArea head = _first;
            _first = _second;
            _second = _third;
            Count--;
            return head;
        }
    }

    /// <summary>State of one pass over the window.</summary>
    private struct Rewriter
    {
        public bool Apply;
        public VmArea Pending;
        public bool HasPending;
        public int Runs;
        public int Read;
        public int Written;
        public int Slot;
        public ulong RemovedBytes;
        public RunQueue Queue;
    }

    /// <summary>Checks the pool, then applies; the argument checks are done by the caller.</summary>
    private VmError Commit<TSink>(in Edit edit, ref TSink sink)
        where TSink : struct, IVmRangeSink
    {
        Rewriter dry = default;
        int window = Pass(in edit, ref dry, ref sink);
        if (dry.Runs > window && dry.Runs - window > _capacity - _used)
        {
            return VmError.ENOMEM;
        }

        Rewriter apply = default;
        apply.Apply = true;
        Pass(in edit, ref apply, ref sink);

        // Every window node has been read. Place runs still queued, or free unused nodes.
        Drain(ref apply);
        while (apply.Queue.Count > 0)
        {
            VmArea run = apply.Queue.Pop();
            Insert(in run);
        }

        for (int i = apply.Written; i < apply.Read; i++)
        {
            int next = Successor(apply.Slot);
            Delete(apply.Slot);
            apply.Slot = next;
        }

        if (edit.Kind == EditKind.Map)
        {
            _mappedBytes += edit.End - edit.Start - apply.RemovedBytes;
        }
        else if (edit.Kind == EditKind.Unmap)
        {
            _mappedBytes -= apply.RemovedBytes;
        }

        return VmError.None;
    }

    /// <summary>Streams the window through the edit; returns the number of window nodes.
    /// Only the apply pass writes nodes or calls the sink.</summary>
    private int Pass<TSink>(in Edit edit, ref Rewriter w, ref TSink sink)
        where TSink : struct, IVmRangeSink
    {
        ulong s = edit.Start;
        ulong e = edit.End;
        int first = s == 0 ? Leftmost(_root) : FirstEndingAbove(s - 1);
        w.Slot = first;
        bool newPlaced = edit.Kind != EditKind.Map;
        int window = 0;
        for (int n = first; n != Nil && _nodes[n].Start <= e;)
        {
            int next = Successor(n);
            VmArea old = AreaOf(n);
            window++;
            w.Read++; // old is copied: node n may now be overwritten

            if (old.Start < s)
            {
                Emit(ref w, old.WithRange(old.Start, Math.Min(old.End, s)));
            }

            ulong insideStart = Math.Max(old.Start, s);
            ulong insideEnd = Math.Min(old.End, e);
            if (insideStart < insideEnd)
            {
                VmArea inside = old.WithRange(insideStart, insideEnd);
                if (edit.Kind == EditKind.Protect)
                {
                    VmProtection protection = edit.Area.Protection;
                    if (w.Apply && old.Protection != protection)
                    {
                        sink.ProtectionChanged(in inside, protection);
                    }

                    Emit(ref w, inside.WithProtection(protection));
                }
                else
                {
                    if (w.Apply)
                    {
                        sink.Removed(in inside);
                    }

                    w.RemovedBytes += insideEnd - insideStart;
                }
            }

            if (old.End > e)
            {
                if (!newPlaced)
                {
                    Emit(ref w, edit.Area);
                    newPlaced = true;
                }

                Emit(ref w, old.WithRange(Math.Max(old.Start, e), old.End));
            }

            n = next;
        }

        if (!newPlaced)
        {
            Emit(ref w, edit.Area);
        }

        if (w.HasPending)
        {
            Finish(ref w, w.Pending);
            w.HasPending = false;
        }

        return window;
    }

    /// <summary>Adds the next piece in address order, extending the pending run when it
    /// touches it with the same attributes.</summary>
    private void Emit(ref Rewriter w, in VmArea piece)
    {
        if (w.HasPending && w.Pending.End == piece.Start && w.Pending.SameAttributes(in piece))
        {
            w.Pending = w.Pending.WithRange(w.Pending.Start, piece.End);
            return;
        }

        if (w.HasPending)
        {
            Finish(ref w, w.Pending);
        }

        w.Pending = piece;
        w.HasPending = true;
    }

    private void Finish(ref Rewriter w, in VmArea run)
    {
        w.Runs++;
        if (w.Apply)
        {
            w.Queue.Push(in run);
            Drain(ref w);
        }
    }

    /// <summary>Writes queued runs into window nodes already read, in order.</summary>
    private void Drain(ref Rewriter w)
    {
        while (w.Queue.Count > 0 && w.Written < w.Read)
        {
            VmArea run = w.Queue.Pop();
            int slot = w.Slot;
            w.Slot = Successor(slot);
            ref VmTreeNode n = ref _nodes[slot];
            n.Start = run.Start;
            n.End = run.End;
            n.Protection = run.Protection;
            n.Kind = run.Kind;
            n.Name = run.Name;
            UpdateToRoot(slot);
            w.Written++;
        }
    }
}
