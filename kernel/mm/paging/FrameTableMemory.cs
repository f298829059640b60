namespace Microkernel.Memory.Paging;

/// <summary>Page tables in frames from <see cref="PhysicalMemory"/>, reached through
/// the kernel's direct map (virtual = physical for RAM).</summary>
internal unsafe struct FrameTableMemory : IPageTableMemory
{
    public bool TryAllocateTable(out ulong physicalAddress)
    {
        if (!PhysicalMemory.TryAllocate(FramePurpose.PageTable, out physicalAddress))
        {
            return false;
        }

        new System.Span<byte>((void*)physicalAddress, 4096).Clear();
        return true;
    }

    public void FreeTable(ulong physicalAddress)
    {
        PhysicalMemory.Free(FramePurpose.PageTable, physicalAddress);
    }

    public ulong* Table(ulong physicalAddress) => (ulong*)physicalAddress;
}
