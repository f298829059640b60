using Microkernel.Boot;
using Microkernel.Diagnostics;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>What the boot path left behind: the handoff, the command line parser.</summary>
internal static unsafe class BootTests
{
    internal static void Register()
    {
        TestRegistry.Add("boot/command-line-parsing", &CommandLineParsing);
        TestRegistry.Add("boot/image-bounds", &ImageBounds);
    }

    private static void CommandLineParsing(ref TestResult t)
    {
        var line = new CommandLine("  console=ttyS0 quiet panic=reboot panic=halt  x= "u8);
        True(ref t, line.TryGet("console"u8, out System.ReadOnlySpan<byte> console), "key present"u8);
        Bytes(ref t, "ttyS0"u8, console, "its value"u8);
        True(ref t, line.TryGet("quiet"u8, out System.ReadOnlySpan<byte> quiet), "bare word"u8);
        Equal(ref t, 0, quiet.Length, "bare word has an empty value"u8);
        True(ref t, line.Is("panic"u8, "halt"u8), "the last occurrence wins"u8);
        True(ref t, line.TryGet("x"u8, out System.ReadOnlySpan<byte> x) && x.Length == 0, "empty value after ="u8);
        False(ref t, line.TryGet("cons"u8, out _), "prefixes do not match"u8);
        False(ref t, new CommandLine(default).TryGet("a"u8, out _), "empty command line"u8);
    }

    private static void ImageBounds(ref TestResult t)
    {
        True(ref t, KernelImage.Start == 0x100000, "linked at 1 MiB"u8);
        True(ref t, KernelImage.TextStart >= KernelImage.Start && KernelImage.TextEnd <= KernelImage.End, "code inside the image"u8);
        True(ref t, KernelImage.BootStackBottom < KernelImage.BootStackTop, "boot stack has a size"u8);
        ulong local = 0;
        ulong here = (ulong)&local;
        True(ref t, here >= KernelImage.BootStackBottom && here < KernelImage.BootStackTop, "we run on the boot stack"u8);
        True(ref t, KernelImage.EntryTsc != 0 && KernelImage.EntryTsc < Arch.Cpu.ReadTsc(), "entry TSC is in the past"u8);
    }
}
