namespace Microkernel.Arch;

/// <summary>The 8254 PIT, used only to measure the TSC rate.</summary>
/// <remarks>Channel 0 free-runs (mode 2, reload 65536) and is read back with the
/// latch command, which needs nothing but ports 0x40/0x43: microvm has a PIT but no
/// port 0x61 gate, so the classic channel-2 method reads garbage there. IRQ0 stays
/// masked at the PIC and I/O APIC.</remarks>
internal static class Pit
{
    private const uint InputHz = 1_193_182;

    /// <summary>Counts TSC ticks over <paramref name="milliseconds"/> of PIT time.
    /// False when the PIT does not count (absent) or the result is implausible.</summary>
    internal static bool TryMeasureTsc(uint milliseconds, out ulong tscHz)
    {
        tscHz = 0;
        uint target = InputHz * milliseconds / 1000;
        Cpu.OutByte(0x43, 0x34);   // channel 0, lo/hi byte, mode 2, binary
        Cpu.OutByte(0x40, 0x00);
        Cpu.OutByte(0x40, 0x00);   // reload 0 = 65536

        ushort previous = ReadCounter();
        ulong start = Cpu.ReadTsc();
        uint elapsed = 0;
        // Bounded by iterations: the TSC rate is what we measure, it cannot bound itself.
        for (uint i = 0; i < 20_000_000 && elapsed < target; i++)
        {
            ushort current = ReadCounter();
            elapsed += (ushort)(previous - current); // counts down, wraps at 65536
            previous = current;
        }
        if (elapsed < target)
        {
            return false;
        }

        ulong ticks = Cpu.ReadTsc() - start;
        tscHz = ticks * InputHz / elapsed;
        // 50 MHz .. 50 GHz: anything else means the PIT is not what it seems.
        return tscHz >= 50_000_000 && tscHz <= 50_000_000_000;
    }

    private static ushort ReadCounter()
    {
        Cpu.OutByte(0x43, 0x00);   // latch channel 0
        byte low = Cpu.InByte(0x40);
        byte high = Cpu.InByte(0x40);
        return (ushort)(low | (high << 8));
    }
}
