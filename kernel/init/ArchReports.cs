using Microkernel.Arch;
using Microkernel.Console;

namespace Microkernel.Init;

/// <summary>The log lines about what arch found: arch code only records (CPUID, the TSC's
/// rate, a fault that ended a program) and init says it, so arch never depends on the
/// console above it.</summary>
internal static class ArchReports
{
    /// <summary>The CPU record in one line: vendor, family, model, notable features.</summary>
    internal static void LogCpuFeatures()
    {
        LogLine line = Log.Begin(LogLevel.Info, "cpu"u8);
        line.Text(CpuFeatures.Trimmed(ref CpuFeatures.VendorName));
        line.Text(" family "u8);
        line.Decimal((ulong)CpuFeatures.Family);
        line.Text(" model "u8);
        line.Decimal((ulong)CpuFeatures.Model);
        if (CpuFeatures.Sse42)
        {
            line.Text(" sse4.2"u8);
        }

        if (CpuFeatures.Avx2)
        {
            line.Text(" avx2"u8);
        }

        if (CpuFeatures.RdRand)
        {
            line.Text(" rdrand"u8);
        }

        if (CpuFeatures.RdSeed)
        {
            line.Text(" rdseed"u8);
        }

        if (CpuFeatures.NoExecute)
        {
            line.Text(" nx"u8);
        }

        if (CpuFeatures.Pages1G)
        {
            line.Text(" 1g-pages"u8);
        }

        if (CpuFeatures.X2Apic)
        {
            line.Text(" x2apic"u8);
        }

        if (CpuFeatures.InvariantTsc)
        {
            line.Text(" invariant-tsc"u8);
        }

        if (CpuFeatures.Hypervisor)
        {
            line.Text(" hypervisor="u8);
            line.Text(CpuFeatures.Trimmed(ref CpuFeatures.HypervisorName));
        }

        line.End();
    }

    /// <summary>The TSC's rate and where it came from (a warning when it was only assumed).</summary>
    internal static void LogTscCalibration()
    {
        TimeStampCounter.TscSource source = TimeStampCounter.Source;
        LogLine line = Log.Begin(source == TimeStampCounter.TscSource.Assumed ? LogLevel.Warning : LogLevel.Info, "tsc"u8);
        line.Decimal(TimeStampCounter.Hz / 1000);
        line.Text(" kHz from "u8);
        line.Text(source switch
        {
            TimeStampCounter.TscSource.HypervisorLeaf => "the hypervisor leaf"u8,
            TimeStampCounter.TscSource.CpuidCrystal => "CPUID 0x15"u8,
            TimeStampCounter.TscSource.Pit => "the PIT"u8,
            _ => "nowhere (assumed)"u8,
        });
        line.End();
    }

    /// <summary><see cref="UserMode"/>'s fault reporter: a program ended by a fault nothing
    /// resolved (the address only for a page fault).</summary>
    internal static void LogUserFault(ulong vector, ulong rip, ulong address)
    {
        LogLine line = Log.Begin(LogLevel.Warning, "user"u8);
        line.Text("program ended by "u8);
        line.Text(InterruptVectors.Name(vector));
        line.Text(" at rip="u8);
        line.Address(rip);
        if (vector == InterruptVectors.PageFault)
        {
            line.Text(" address="u8);
            line.Address(address);
        }

        line.End();
    }
}
