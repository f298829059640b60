using Microkernel.Arch;
using Microkernel.Console;

namespace Microkernel.Process
{
    /// <summary>Starts the services the image carries, each in its own address space.</summary>
    /// <remarks>Partial (no scheduler yet): each service runs to completion in turn, so only
    /// services that finish are useful today; the supervisor with restarts and channels
    /// replaces this once threads exist. Logs <c>service NAME pid=N base=0xADDR</c> per
    /// service and its exit status.</remarks>
    internal static class ServiceLauncher
    {
        private static int s_nextPid = 1;

        /// <summary>Runs every carried service; returns how many were started.</summary>
        internal static int RunAll()
        {
            int started = 0;
            for (int i = 0; i < ServiceImages.Count; i++)
            {
                ServiceImages.Get(i, out System.ReadOnlySpan<byte> name, out System.ReadOnlySpan<byte> elf);
                if (Run(name, elf, out _)) started++;
            }
            return started;
        }

        /// <summary>Loads and runs one service to its end; false when it could not be loaded.</summary>
        internal static bool Run(System.ReadOnlySpan<byte> name, System.ReadOnlySpan<byte> elf, out long status)
        {
            status = 0;
            if (!ServiceLoader.TryLoad(name, elf, out LoadedService service)) return false;
            int pid = s_nextPid++;
            LogLine line = Log.Begin(LogLevel.Info, "proc"u8);
            line.Text("service "u8); line.Text(name);
            line.Text(" pid="u8); line.Decimal((long)pid);
            line.Text(" base="u8); line.Address(service.Base);
            line.End();

            service.Space.Activate();
            status = UserMode.Run(service.Entry, service.StackTop);
            Memory.AddressSpace.ActivateKernel();
            service.Space.Destroy();

            line = Log.Begin(status < 0 ? LogLevel.Warning : LogLevel.Info, "proc"u8);
            line.Text("service "u8); line.Text(name);
            line.Text(" pid="u8); line.Decimal((long)pid);
            line.Text(" exited with status "u8); line.Decimal(status);
            line.End();
            return true;
        }
    }
}
