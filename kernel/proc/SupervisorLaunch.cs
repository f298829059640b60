using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;

namespace Microkernel.Process
{
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
            if (manifest.IsEmpty || manifest.Length > MaxManifestBytes) return Fail("the image carries no usable manifest"u8);
            ServiceProcess? supervisor = Processes.Create("supervisor"u8, null, out _, supervisor: true);
            if (supervisor == null) return Fail("the supervisor image could not be loaded"u8);
            if (!CopyManifest(supervisor.Space, manifest))
            {
                supervisor.Release();
                return Fail("no memory for the manifest"u8);
            }
            supervisor.SetManifest(ManifestAddress, (ulong)manifest.Length);
            Process = supervisor;
            return Processes.Start(supervisor, 0) || Fail("no thread for the supervisor"u8);
        }

        private static bool CopyManifest(AddressSpace space, System.ReadOnlySpan<byte> manifest)
        {
            ulong bytes = ((ulong)manifest.Length + 4095) & ~4095UL;
            AddressSpace? previous = AddressSpace.Current;
            space.Activate();
            bool ok = space.Map(ManifestAddress, bytes, VmProtection.Read | VmProtection.Write,
                MapFlags.FixedNoReplace | MapFlags.Populate, VmAreaKind.Anonymous, 300, out _) == VmError.None;
            if (ok)
            {
                manifest.CopyTo(new System.Span<byte>((void*)ManifestAddress, manifest.Length));
                ok = space.Protect(ManifestAddress, bytes, VmProtection.Read) == VmError.None;
            }
            if (previous != null) previous.Activate(); else AddressSpace.ActivateKernel();
            return ok;
        }

        private static bool Fail(System.ReadOnlySpan<byte> reason)
        {
            Log.Write(LogLevel.Error, "proc"u8, reason);
            return false;
        }
    }
}
