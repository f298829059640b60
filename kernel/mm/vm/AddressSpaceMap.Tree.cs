using System;

namespace Microkernel.Memory.Virtual;

/// <summary>The AVL tree under <see cref="AddressSpaceMap"/>: nodes in the caller's pool,
/// linked by index, each caching its subtree's first start, last end and largest hole so
/// gap searches prune whole subtrees.</summary>
public unsafe partial struct AddressSpaceMap
{
    private const int Nil = -1;

    private readonly ref VmTreeNode Node(int index) => ref _nodes[index];

    private readonly int HeightOf(int index) => index == Nil ? 0 : _nodes[index].Height;

    private readonly VmArea AreaOf(int index)
    {
        ref VmTreeNode n = ref _nodes[index];
        return new VmArea(n.Start, n.End, n.Protection, n.Kind, n.Name);
    }

    /// <summary>Recomputes height and subtree summaries of one node from its children.</summary>
    private readonly void Update(int index)
    {
        ref VmTreeNode n = ref _nodes[index];
        n.Height = (byte)(1 + Math.Max(HeightOf(n.Left), HeightOf(n.Right)));
        Summarize(index, out ulong subtreeStart, out ulong subtreeEnd, out ulong maxGap);
        n.SubtreeStart = subtreeStart;
        n.SubtreeEnd = subtreeEnd;
        n.MaxGap = maxGap;
    }

    /// <summary>A node's subtree summaries as its children's summaries imply them.</summary>
    private readonly void Summarize(int index, out ulong subtreeStart, out ulong subtreeEnd, out ulong maxGap)
    {
        ref VmTreeNode n = ref _nodes[index];
        int left = n.Left;
        int right = n.Right;
        ulong gap = 0;
        subtreeStart = n.Start;
        subtreeEnd = n.End;
        if (left != Nil)
        {
            ref VmTreeNode l = ref _nodes[left];
            subtreeStart = l.SubtreeStart;
            gap = l.MaxGap;
            if (n.Start >= l.SubtreeEnd && n.Start - l.SubtreeEnd > gap)
            {
                gap = n.Start - l.SubtreeEnd;
            }
        }

        if (right != Nil)
        {
            ref VmTreeNode r = ref _nodes[right];
            subtreeEnd = r.SubtreeEnd;
            if (r.MaxGap > gap)
            {
                gap = r.MaxGap;
            }

            if (r.SubtreeStart >= n.End && r.SubtreeStart - n.End > gap)
            {
                gap = r.SubtreeStart - n.End;
            }
        }

        maxGap = gap;
    }

    /// <summary>Refreshes summaries from <paramref name="index"/> up to the root after its
    /// range changed in place (the shape is unchanged, so no rotations).</summary>
    private readonly void UpdateToRoot(int index)
    {
        while (index != Nil)
        {
            Update(index);
            index = _nodes[index].Parent;
        }
    }

    private void ReplaceChild(int parent, int oldChild, int newChild)
    {
        if (parent == Nil)
        {
            _root = newChild;
        }
        else if (_nodes[parent].Left == oldChild)
        {
            _nodes[parent].Left = newChild;
        }
        else
        {
            _nodes[parent].Right = newChild;
        }

        if (newChild != Nil)
        {
            _nodes[newChild].Parent = parent;
        }
    }

    private int RotateLeft(int x)
    {
        int y = _nodes[x].Right;
        int b = _nodes[y].Left;
        _nodes[x].Right = b;
        if (b != Nil)
        {
            _nodes[b].Parent = x;
        }

        ReplaceChild(_nodes[x].Parent, x, y);
        _nodes[y].Left = x;
        _nodes[x].Parent = y;
        Update(x);
        Update(y);
        return y;
    }

    private int RotateRight(int x)
    {
        int y = _nodes[x].Left;
        int b = _nodes[y].Right;
        _nodes[x].Left = b;
        if (b != Nil)
        {
            _nodes[b].Parent = x;
        }

        ReplaceChild(_nodes[x].Parent, x, y);
        _nodes[y].Right = x;
        _nodes[x].Parent = y;
        Update(x);
        Update(y);
        return y;
    }

    /// <summary>Restores balance and summaries from <paramref name="index"/> to the root.
    /// Walks all the way up because summaries change even where heights do not.</summary>
    private void Rebalance(int index)
    {
        while (index != Nil)
        {
            Update(index);
            ref VmTreeNode n = ref _nodes[index];
            int balance = HeightOf(n.Left) - HeightOf(n.Right);
            if (balance > 1)
            {
                int l = n.Left;
                if (HeightOf(_nodes[l].Left) < HeightOf(_nodes[l].Right))
                {
                    RotateLeft(l);
                }

                index = RotateRight(index);
            }
            else if (balance < -1)
            {
                int r = n.Right;
                if (HeightOf(_nodes[r].Right) < HeightOf(_nodes[r].Left))
                {
                    RotateRight(r);
                }

                index = RotateLeft(index);
            }

            index = _nodes[index].Parent;
        }
    }

    /// <summary>Takes a node off the free list (the caller has checked one is free).</summary>
    private int AllocateNode()
    {
        int index = _free;
        if (index == Nil)
        {
            throw new System.InvalidOperationException("VM node pool exhausted after capacity check");
        }

        _free = _nodes[index].Right;
        _used++;
        return index;
    }

    private void FreeNode(int index)
    {
        ref VmTreeNode n = ref _nodes[index];
        n.Height = 0;
        n.Left = Nil;
        n.Parent = Nil;
        n.Right = _free;
        _free = index;
        _used--;
    }

    /// <summary>Inserts an area by start address; the tree's ranges must be consistent.</summary>
    private void Insert(in VmArea area)
    {
        int z = AllocateNode();
        ref VmTreeNode n = ref _nodes[z];
        n.Start = area.Start;
        n.End = area.End;
        n.Protection = area.Protection;
        n.Kind = area.Kind;
        n.Name = area.Name;
        n.Left = Nil;
        n.Right = Nil;
        n.Parent = Nil;
        n.Height = 1;
        if (_root == Nil)
        {
            _root = z;
            Update(z);
            return;
        }

        int p = _root;
        while (true)
        {
            ref VmTreeNode pn = ref _nodes[p];
            if (area.Start < pn.Start)
            {
                if (pn.Left == Nil)
                {
                    pn.Left = z;
                    break;
                }

                p = pn.Left;
            }
            else
            {
                if (pn.Right == Nil)
                {
                    pn.Right = z;
                    break;
                }

                p = pn.Right;
            }
        }

        n.Parent = p;
        Rebalance(z);
    }

    /// <summary>Unlinks a node by index (never by key, so it works while neighbouring
    /// ranges are being rewritten) and returns it to the pool.</summary>
    private void Delete(int z)
    {
        ref VmTreeNode zn = ref _nodes[z];
        int fixFrom;
        if (zn.Left == Nil || zn.Right == Nil)
        {
            int child = zn.Left != Nil ? zn.Left : zn.Right;
            fixFrom = zn.Parent;
            ReplaceChild(zn.Parent, z, child);
        }
        else
        {
            int y = Leftmost(zn.Right);
            if (_nodes[y].Parent != z)
            {
                fixFrom = _nodes[y].Parent;
                ReplaceChild(_nodes[y].Parent, y, _nodes[y].Right);
                _nodes[y].Right = zn.Right;
                _nodes[zn.Right].Parent = y;
            }
            else
            {
                fixFrom = y;
            }

            ReplaceChild(zn.Parent, z, y);
            _nodes[y].Left = zn.Left;
            _nodes[zn.Left].Parent = y;
        }

        FreeNode(z);
        Rebalance(fixFrom);
    }

    private readonly int Leftmost(int index)
    {
        if (index == Nil)
        {
            return Nil;
        }

        while (_nodes[index].Left != Nil)
        {
            index = _nodes[index].Left;
        }

        return index;
    }

    /// <summary>The next node in address order (by links only).</summary>
    private readonly int Successor(int index)
    {
        if (_nodes[index].Right != Nil)
        {
            return Leftmost(_nodes[index].Right);
        }

        int parent = _nodes[index].Parent;
        while (parent != Nil && _nodes[parent].Right == index)
        {
            index = parent;
            parent = _nodes[parent].Parent;
        }

        return parent;
    }

    /// <summary>The lowest area whose end is above <paramref name="address"/> (ends grow
    /// with starts because areas do not overlap), or Nil.</summary>
    private readonly int FirstEndingAbove(ulong address)
    {
        int found = Nil;
        int n = _root;
        while (n != Nil)
        {
            if (_nodes[n].End > address)
            {
                found = n;
                n = _nodes[n].Left;
            }
            else
            {
                n = _nodes[n].Right;
            }
        }

        return found;
    }

    /// <summary>
    /// Lowest <c>a &gt;= lo</c> such that <c>[a, a + length)</c> lies in a hole between two
    /// areas of the subtree, or <see cref="NotFound"/>. O(log n): a subtree lying wholly
    /// above <paramref name="lo"/> with a large enough hole always succeeds, one wholly
    /// below is pruned at once, and only the nodes on <paramref name="lo"/>'s path straddle.
    /// </summary>
    private readonly ulong SearchHoles(int index, ulong lo, ulong length)
    {
        while (index != Nil)
        {
            ref VmTreeNode n = ref _nodes[index];
            if (n.MaxGap < length || n.SubtreeEnd < length || n.SubtreeEnd - length < lo)
            {
                return NotFound;
            }

            if (n.Left != Nil)
            {
                ulong found = SearchHoles(n.Left, lo, length);
                if (found != NotFound)
                {
                    return found;
                }

                ulong gapStart = Math.Max(_nodes[n.Left].SubtreeEnd, lo);
                if (n.Start >= gapStart && n.Start - gapStart >= length)
                {
                    return gapStart;
                }
            }

            if (n.Right == Nil)
            {
                return NotFound;
            }

            ulong rightStart = Math.Max(n.End, lo);
            ulong rightEnd = _nodes[n.Right].SubtreeStart;
            if (rightEnd >= rightStart && rightEnd - rightStart >= length)
            {
                return rightStart;
            }

            index = n.Right;
        }

        return NotFound;
    }
}
