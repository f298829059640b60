namespace Microkernel.Boot;

/// <summary>Physical memory read through the boot identity map (virtual == physical
/// below <see cref="Limit"/>), the kernel's implementation of
/// <see cref="IPhysicalMemoryReader"/>.</summary>
internal unsafe struct IdentityMappedMemory : IPhysicalMemoryReader
{
    /// <summary>End of the identity map built by boot/entry.asm (16 GiB).</summary>
    internal const ulong Limit = 16UL << 30;

    public bool TryRead(ulong physicalAddress, System.Span<byte> destination)
    {
        ulong length = (ulong)destination.Length;
        // Page 0 is left unmapped (null dereferences fault), so refuse it too.
        if (physicalAddress < 0x1000 || physicalAddress >= Limit || length > Limit - physicalAddress)
        {
            return false;
        }

        new System.ReadOnlySpan<byte>((void*)physicalAddress, destination.Length).CopyTo(destination);
        return true;
    }
}
