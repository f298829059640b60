using System.Runtime.InteropServices;

namespace Microkernel.Memory.Virtual;

/// <summary>
/// One slot of the node pool an <see cref="AddressSpaceMap"/> is given: an area plus its
/// AVL links (pool indices) and subtree summaries. The caller provides memory for as many
/// as the address space may need areas and never touches their contents. 64 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct VmTreeNode
{
    internal ulong Start;
    internal ulong End;

    /// <summary>Start of the leftmost area in this subtree.</summary>
    internal ulong SubtreeStart;

    /// <summary>End of the rightmost area in this subtree.</summary>
    internal ulong SubtreeEnd;

    /// <summary>Largest hole between consecutive areas of this subtree (0 if none).</summary>
    internal ulong MaxGap;

    internal int Left;

    /// <summary>Right child; on the free list, the next free node.</summary>
    internal int Right;

    internal int Parent;
    internal ushort Name;
    internal VmProtection Protection;
    internal VmAreaKind Kind;

    /// <summary>AVL height (a leaf is 1); 0 marks a free node.</summary>
    internal byte Height;
}
