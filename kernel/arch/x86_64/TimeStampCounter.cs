namespace Microkernel.Arch;

/// <summary>The TSC as the kernel's clock: its rate, and microseconds since boot.</summary>
/// <remarks>Rate sources, best first: the hypervisor's TSC leaf (0x40000010, in kHz),
/// CPUID 0x15 (crystal ratio), then a 5 ms measurement against the PIT; with none the
/// rate is assumed to be 1 GHz. <see cref="Source"/> says which; init logs it.</remarks>
internal static class TimeStampCounter
{
    /// <summary>Ticks per second.</summary>
    internal static ulong Hz;

    /// <summary>Where <see cref="Hz"/> came from.</summary>
    internal static TscSource Source;

    internal enum TscSource : byte { None, HypervisorLeaf, CpuidCrystal, Pit, Assumed }

    /// <summary>Finds the rate (<see cref="Hz"/>) and records where it came from (<see cref="Source"/>).</summary>
    internal static void Calibrate()
    {
        if (TryHypervisorLeaf(out Hz))
        {
            Source = TscSource.HypervisorLeaf;
        }
        else if (TryCrystal(out Hz))
        {
            Source = TscSource.CpuidCrystal;
        }
        else if (Pit.TryMeasureTsc(5, out Hz))
        {
            Source = TscSource.Pit;
        }
        else { Hz = 1_000_000_000; Source = TscSource.Assumed; }
    }

    /// <summary>Converts a tick count to microseconds without overflowing.</summary>
    internal static ulong ToMicroseconds(ulong ticks)
    {
        if (Hz == 0)
        {
            return 0;
        }

        return ticks / Hz * 1_000_000 + ticks % Hz * 1_000_000 / Hz;
    }

    private static bool TryHypervisorLeaf(out ulong hz)
    {
        hz = 0;
        if ((Cpu.Cpuid(1).Ecx & (1u << 31)) == 0)
        {
            return false;
        }

        if (Cpu.Cpuid(0x40000000).Eax < 0x40000010)
        {
            return false;
        }

        uint khz = Cpu.Cpuid(0x40000010).Eax;
        hz = (ulong)khz * 1000;
        return khz != 0;
    }

    private static bool TryCrystal(out ulong hz)
    {
        hz = 0;
        if (Cpu.Cpuid(0).Eax < 0x15)
        {
            return false;
        }

        Cpu.CpuidResult leaf = Cpu.Cpuid(0x15);
        if (leaf.Eax == 0 || leaf.Ebx == 0 || leaf.Ecx == 0)
        {
            return false;
        }

        hz = (ulong)leaf.Ecx * leaf.Ebx / leaf.Eax;
        return true;
    }
}
