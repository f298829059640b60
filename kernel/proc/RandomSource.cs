using Microkernel.Arch;

namespace Microkernel.Process;

/// <summary>Random numbers for address-space layout: RDRAND when CPUID has it (retried
/// a few times, as Intel advises), else a TSC-seeded xorshift, which spreads bases but
/// is not secure (logged once at boot by the caller).</summary>
internal static unsafe class RandomSource
{
    private static ulong s_state;

    /// <summary>True when values come from the hardware RNG.</summary>
    internal static bool IsHardware => CpuFeatures.RdRand;

    internal static ulong Next()
    {
        if (CpuFeatures.RdRand)
        {
            ulong value;
            for (int attempt = 0; attempt < 10; attempt++)
            {
                if (Cpu.RdRand64(&value))
                {
                    return value;
                }
            }
        }
        if (s_state == 0)
        {
            s_state = Cpu.ReadTsc() | 1;
        }

        s_state ^= s_state << 13;
        s_state ^= s_state >> 7;
        s_state ^= s_state << 17;
        return s_state;
    }
}
