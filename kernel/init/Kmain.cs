using Microkernel.Boot;
using Microkernel.Console;
using System.Runtime.InteropServices;

namespace Microkernel.Init
{
    internal static unsafe class Kmain
    {
        [UnmanagedCallersOnly(EntryPoint = "kmain")]
        private static void Main(BootHandoff* handoff)
        {
            KernelConsole.Initialize();
            Log.Write(LogLevel.Info, "boot"u8, "hello from C#"u8);
            var line = Log.Begin(LogLevel.Info, "boot"u8);
            line.Text("modules="u8); line.Address(handoff->ModulesStart);
            line.Text(" end="u8); line.Address(handoff->ModulesEnd);
            line.End();
        }
    }
}
