using Microkernel.Memory.Paging;

namespace Microkernel.Arch;

/// <summary>An I/O APIC (address from the MADT): routes one global system interrupt to
/// a vector on this CPU. Only what the power button needs; every other input stays
/// masked as the firmware left it.</summary>
internal static unsafe class IoApic
{
    private const int RegisterSelect = 0x00, Window = 0x10;
    private const int RedirectionBase = 0x10;
    private const uint ActiveLow = 1 << 13, LevelTriggered = 1 << 15, Masked = 1 << 16;

    /// <summary>Programs input <paramref name="gsi"/> - <paramref name="gsiBase"/> of the
    /// I/O APIC at <paramref name="address"/> to deliver <paramref name="vector"/> to
    /// APIC <paramref name="apicId"/> (fixed, physical destination). False when the
    /// registers cannot be mapped or the input does not exist.</summary>
    internal static bool Route(ulong address, uint gsiBase, uint gsi, byte vector, bool activeLow, bool levelTriggered, uint apicId)
    {
        if (address == 0 || gsi < gsiBase || !KernelPageTables.MapDevicePage(address))
        {
            return false;
        }

        byte* registers = (byte*)address;
        uint inputs = ((Read(registers, 1) >> 16) & 0xFF) + 1;
        uint input = gsi - gsiBase;
        if (input >= inputs)
        {
            return false;
        }

        uint low = vector | (activeLow ? ActiveLow : 0) | (levelTriggered ? LevelTriggered : 0);
        int index = RedirectionBase + 2 * (int)input;
        Write(registers, index, Masked);               // mask while the halves change
        Write(registers, index + 1, apicId << 24);
        Write(registers, index, low);
        return true;
    }

    private static uint Read(byte* registers, int index)
    {
        System.Threading.Volatile.Write(ref *(uint*)(registers + RegisterSelect), (uint)index);
        return System.Threading.Volatile.Read(ref *(uint*)(registers + Window));
    }

    private static void Write(byte* registers, int index, uint value)
    {
        System.Threading.Volatile.Write(ref *(uint*)(registers + RegisterSelect), (uint)index);
        System.Threading.Volatile.Write(ref *(uint*)(registers + Window), value);
    }
}
