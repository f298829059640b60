using Microkernel.Arch;

namespace Microkernel.Power;

/// <summary>QEMU's isa-debug-exit device (iobase 0xf4): writing v ends QEMU with exit
/// status (v &lt;&lt; 1) | 1. Test images use it to report pass (1) or fail (3);
/// without the device the write is ignored and the caller falls through to halt.</summary>
internal static class DebugExit
{
    private const ushort Port = 0xF4;

    /// <summary>QEMU exits with status 1.</summary>
    internal const uint Success = 0;
    /// <summary>QEMU exits with status 3.</summary>
    internal const uint Failure = 1;

    internal static void Exit(uint value) => Cpu.OutDword(Port, value);
}
