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
        Flag(ref line, CpuFeatures.Sse42, " sse4.2"u8);
        Flag(ref line, CpuFeatures.Avx2, " avx2"u8);
        Flag(ref line, CpuFeatures.RdRand, " rdrand"u8);
        Flag(ref line, CpuFeatures.RdSeed, " rdseed"u8);
        Flag(ref line, CpuFeatures.NoExecute, " nx"u8);
        Flag(ref line, CpuFeatures.Pages1G, " 1g-pages"u8);
        Flag(ref line, CpuFeatures.X2Apic, " x2apic"u8);
        Flag(ref line, CpuFeatures.InvariantTsc, " invariant-tsc"u8);
        if (CpuFeatures.Hypervisor)
        {
            line.Text(" hypervisor="u8);
            line.Text(CpuFeatures.Trimmed(ref CpuFeatures.HypervisorName));
        }

        line.End();
    }

    /// <summary>Appends <paramref name="name"/> when the CPU has the feature.</summary>
    private static void Flag(ref LogLine line, bool present, System.ReadOnlySpan<byte> name)
    {
        if (present)
        {
            line.Text(name);
        }
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
