using Microkernel.Console;

namespace Microkernel.Arch
{
    /// <summary>The TSC as the kernel's clock: its rate, and microseconds since boot.</summary>
    /// <remarks>Rate sources, best first: the hypervisor's TSC leaf (0x40000010, in kHz),
    /// CPUID 0x15 (crystal ratio), then a 5 ms measurement against the PIT. The source
    /// used is logged; with none the rate is assumed to be 1 GHz and that is logged.</remarks>
    internal static class TimeStampCounter
    {
        /// <summary>Ticks per second.</summary>
        internal static ulong Hz;

        /// <summary>Where <see cref="Hz"/> came from.</summary>
        internal static TscSource Source;

        internal enum TscSource : byte { None, HypervisorLeaf, CpuidCrystal, Pit, Assumed }

        internal static void Calibrate()
        {
            if (TryHypervisorLeaf(out Hz)) Source = TscSource.HypervisorLeaf;
            else if (TryCrystal(out Hz)) Source = TscSource.CpuidCrystal;
            else if (Pit.TryMeasureTsc(5, out Hz)) Source = TscSource.Pit;
            else { Hz = 1_000_000_000; Source = TscSource.Assumed; }

            LogLine line = Log.Begin(Source == TscSource.Assumed ? LogLevel.Warning : LogLevel.Info, "tsc"u8);
            line.Decimal(Hz / 1000);
            line.Text(" kHz from "u8);
            line.Text(Source switch
            {
                TscSource.HypervisorLeaf => "the hypervisor leaf"u8,
                TscSource.CpuidCrystal => "CPUID 0x15"u8,
                TscSource.Pit => "the PIT"u8,
                _ => "nowhere (assumed)"u8,
            });
            line.End();
        }

        /// <summary>Converts a tick count to microseconds without overflowing.</summary>
        internal static ulong ToMicroseconds(ulong ticks)
        {
            if (Hz == 0) return 0;
            return ticks / Hz * 1_000_000 + ticks % Hz * 1_000_000 / Hz;
        }

        private static bool TryHypervisorLeaf(out ulong hz)
        {
            hz = 0;
            if ((Cpu.Cpuid(1).Ecx & (1u << 31)) == 0) return false;
            if (Cpu.Cpuid(0x40000000).Eax < 0x40000010) return false;
            uint khz = Cpu.Cpuid(0x40000010).Eax;
            hz = (ulong)khz * 1000;
            return khz != 0;
        }

        private static bool TryCrystal(out ulong hz)
        {
            hz = 0;
            if (Cpu.Cpuid(0).Eax < 0x15) return false;
            Cpu.CpuidResult leaf = Cpu.Cpuid(0x15);
            if (leaf.Eax == 0 || leaf.Ebx == 0 || leaf.Ecx == 0) return false;
            hz = (ulong)leaf.Ecx * leaf.Ebx / leaf.Eax;
            return true;
        }
    }
}
