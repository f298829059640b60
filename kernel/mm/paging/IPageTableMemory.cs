namespace Microkernel.Memory.Paging;

/// <summary>Where page tables live: fresh zeroed table frames, and a pointer to a
/// table given its physical address.</summary>
/// <remarks>The kernel implements it over the frame allocator and the direct map;
/// host tests over plain arrays. A struct type parameter keeps calls direct.</remarks>
public unsafe interface IPageTableMemory
{
    /// <summary>A zeroed 4 KiB frame for a table, or false when memory is exhausted.</summary>
    bool TryAllocateTable(out ulong physicalAddress);

    /// <summary>Gives back a table frame that became empty.</summary>
    void FreeTable(ulong physicalAddress);

    /// <summary>The 512 entries of the table at <paramref name="physicalAddress"/>.</summary>
    ulong* Table(ulong physicalAddress);
}
