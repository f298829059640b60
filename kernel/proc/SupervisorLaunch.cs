using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using Microkernel.Scheduling;

namespace Microkernel.Process;

/// <summary>Starts the first user process: the supervisor service
/// (services/supervisor), with the image's compiled manifest copied read-only into
/// its address space. From then on the supervisor decides what runs.</summary>
internal static unsafe class SupervisorLaunch
{
    /// <summary>Where the manifest copy appears in the supervisor.</summary>
    internal const ulong ManifestAddress = AddressSpace.UserLowest + 0x3FF0_0000;
    private const int MaxManifestBytes = 64 * 1024;

    /// <summary>The supervisor's process once started.</summary>
    internal static ServiceProcess? Process;

    /// <summary>Loads and starts the supervisor; false (logged) when the image carries
    /// none, the manifest is missing or too large, or memory is short.</summary>
    internal static bool Start()
    {
        System.ReadOnlySpan<byte> manifest = ServiceImages.Manifest;
        if (manifest.IsEmpty || manifest.Length > MaxManifestBytes)
        {
            return Fail("the image carries no usable manifest"u8);
        }

        Processes.Create("supervisor"u8, null, out ServiceProcess? supervisor, supervisor: true);
        if (supervisor == null)
        {
            return Fail("the supervisor image could not be loaded"u8);
        }

        if (!CopyManifest(supervisor.Space, manifest))
        {
            supervisor.Release();
            return Fail("no memory for the manifest"u8);
        }
        supervisor.SetManifest(ManifestAddress, (ulong)manifest.Length);
        Process = supervisor;
        return Processes.Start(supervisor, 0) || Fail("no thread for the supervisor"u8);
    }

    /// <summary>Stopping every service: the supervisor's whole deadline, then the kernel
    /// ends whatever is left.</summary>
    private const ulong StopDeadlineTicks = 15 * 100;

    /// <summary>Inittab term entry system/supervisor: tells the supervisor to stop every
    /// service (its process_wait returns ESHUTDOWN; it stops them in reverse start order,
    /// killing those that miss their deadline) and waits for it to end. Returns 0, or 1
    /// when the supervisor itself missed the deadline (then every process is killed).</summary>
    internal static int StopServices()
    {
        ServiceProcess? supervisor = Process;
        if (supervisor == null || supervisor.Reaped)
        {
            return 0;
        }

        ProcessWaitCalls.ShutdownPending = true;
        supervisor.RequestStop(kill: false); // its own sleeps end too (idle after every service ended)
        ulong deadline = Arch.LocalApic.Ticks + StopDeadlineTicks;
        while (!supervisor.Reaped && Arch.LocalApic.Ticks < deadline)
        {
            Threads.Sleep(1);
        }

        if (supervisor.Reaped)
        {
            return 0;
        }

        Log.Write(LogLevel.Error, "proc"u8, "the supervisor missed its stop deadline; killing every process"u8);
        Processes.KillAll();
        for (int i = 0; i < 50 && Processes.LiveCount() > 0; i++)
        {
            Threads.Sleep(1);
        }

        return 1;
    }

    private static bool CopyManifest(AddressSpace space, System.ReadOnlySpan<byte> manifest)
    {
        ulong bytes = ((ulong)manifest.Length + 4095) & ~4095UL;
        AddressSpace? previous = AddressSpace.Current;
        Threads.UseSpace(space);
        bool ok = space.Map(ManifestAddress, bytes, VmProtection.Read | VmProtection.Write,
            MapFlags.FixedNoReplace | MapFlags.Populate, VmAreaKind.Anonymous, 300, out _) == VmError.None;
        if (ok)
        {
            manifest.CopyTo(new System.Span<byte>((void*)ManifestAddress, manifest.Length));
            ok = space.Protect(ManifestAddress, bytes, VmProtection.Read) == VmError.None;
        }
        Threads.UseSpace(previous);
        return ok;
    }

    private static bool Fail(System.ReadOnlySpan<byte> reason)
    {
        Log.Write(LogLevel.Error, "proc"u8, reason);
        return false;
    }
}
