using System.Runtime.InteropServices;
using Microkernel.Arch;
using Microkernel.Boot;
using Microkernel.Console;
using Microkernel.Diagnostics;
using Microkernel.Memory;
using Microkernel.Memory.Paging;
using Microkernel.Power;
using Microkernel.Process;
using Microkernel.Runtime;
using Microkernel.Scheduling;

namespace Microkernel.Init;

/// <summary>The boot CPU's path from the assembly entry to a running kernel.</summary>
/// <remarks>Order is load-bearing: the console first (so every later failure can be
/// reported), then the heap and runtime hooks (so statics and `new` work), then the
/// CPU tables (so faults are reports, not triple faults), then memory and time.</remarks>
internal static unsafe class Kmain
{
    /// <summary>Services the supervisor reported started (its debug(Ready) call).</summary>
    internal static int ServicesStarted;

    private static BootInfo s_bootInfo;

    /// <summary>The RSDP the boot loader passed (PVH), or 0: ACPI then searches for it.</summary>
    internal static ulong RsdpAddress => s_bootInfo.RsdpAddress;

    [UnmanagedCallersOnly(EntryPoint = "kmain")]
    private static void Main(BootHandoff* handoff)
    {
        KernelImage.Record(in *handoff);
        KernelConsole.Initialize();
        KernelHeap.Initialize();
        RuntimeHooks.Install(&KernelHeap.Allocate, &Panic.FromRuntime, &CurrentCpu);
        if (!ModuleInitializer.Initialize((nint)handoff->ModulesStart, (nint)handoff->ModulesEnd))
        {
            Panic.Fail("the compiler's module headers are malformed"u8);
        }

        SegmentTables.Initialize();
        InterruptTable.Initialize();
        FaultFixups.Initialize();
        Log.Write(LogLevel.Info, "boot"u8, "microkernel starting"u8);

        ParseBootInformation(handoff);
        CommandLineSettings.Apply(in s_bootInfo);

        if (!PhysicalMemory.Initialize(in s_bootInfo, handoff->KernelStart, handoff->KernelEnd))
        {
            Panic.Fail("no usable memory"u8);
        }
        // From here on objects come from the slab heap; the boot arena served only
        // what was allocated before there were frames.
        if (!KernelObjectHeap.Initialize())
        {
            Panic.Fail("the kernel object heap could not be created"u8);
        }

        RuntimeHooks.Install(&KernelObjectHeap.Allocate, &Panic.FromRuntime, &CurrentCpu);
        if (!KernelPageTables.BuildAndActivate(LocalApic.PhysicalBase()))
        {
            Panic.Fail("out of memory building the kernel page tables"u8);
        }

        SegmentTables.MoveInterruptStacksToGuardedStacks();
        PerCpu.InitializeBootCpu();
        PerCpu.SetKernelStack(KernelStacks.Allocate(4));
        SystemCallEntry.Initialize();
        if (!Threads.Initialize())
        {
            Panic.Fail("no memory for the thread table"u8);
        }

        RunningProcess.Initialize();
        UserMode.SetFaultReporter(&ArchReports.LogUserFault);

        CpuFeatures.Detect();
        ArchReports.LogCpuFeatures();
        TimeStampCounter.Calibrate();
        ArchReports.LogTscCalibration();
        LegacyPic.RemapAndMask();
        LocalApic.Initialize();
        LocalApic.StartTimer(100, TimeStampCounter.Hz);
        Cpu.EnableInterrupts();

#if KERNEL_TESTS
        Tests.TestMain.Run(in s_bootInfo);
#else
        KernelInitTab.Run();
        Idle();
#endif
    }

    /// <summary>The line scripts wait for: services, free RAM, time since the first instruction.</summary>
    internal static void ReportReady()
    {
        ulong bootUs = TimeStampCounter.ToMicroseconds(Cpu.ReadTsc() - KernelImage.EntryTsc);
        var line = new LogLine(true);
        line.Text("ready: services="u8);
        line.Decimal((long)ServicesStarted);
        line.Text(" free_kib="u8);
        line.Decimal(PhysicalMemory.FreeKib);
        line.Text(" boot_us="u8);
        line.Decimal(bootUs);
        line.End();
    }

    private static void ParseBootInformation(BootHandoff* handoff)
    {
        IdentityMappedMemory memory = default;
        BootParseStatus status;
        if (handoff->Protocol == BootHandoff.ProtocolPvh)
        {
            status = PvhStartInfoParser.Parse(ref memory, handoff->InfoAddress, ref s_bootInfo);
        }
        else
        {
            status = Multiboot1Parser.Parse(ref memory, handoff->LoaderMagic, handoff->InfoAddress, ref s_bootInfo);
        }

        LogLine line = Log.Begin(BootParseStatusRules.IsFatal(status) ? LogLevel.Error : LogLevel.Info, "boot"u8);
        line.Text(handoff->Protocol == BootHandoff.ProtocolPvh ? "PVH"u8 : "multiboot1"u8);
        line.Text(" boot info at "u8); line.Address(handoff->InfoAddress);
        line.Text(": "u8); line.Decimal((long)s_bootInfo.MemoryRegionCount);
        line.Text(" memory regions, "u8); line.Decimal((long)s_bootInfo.ModuleCount);
        line.Text(" modules, status "u8); line.Decimal((long)status);
        line.End();
        if (BootParseStatusRules.IsFatal(status))
        {
            Panic.Fail("the boot loader's information is unusable"u8);
        }
    }

    private static uint CurrentCpu() => 0;

    /// <summary>CPU 0's idle thread: runs whatever is ready; when nothing is, halts
    /// until the next interrupt. The first time the system is idle after the
    /// supervisor reported every service started, prints the ready line.</summary>
    private static void Idle()
    {
        bool reported = false;
        while (true)
        {
            Threads.RunReadyThreads();
            if (!reported && DiagnosticCalls.ReadyServices >= 0)
            {
                ServicesStarted = DiagnosticCalls.ReadyServices;
                ReportReady();
                reported = true;
            }
            Cpu.EnableInterruptsAndHalt();
        }
    }
}
