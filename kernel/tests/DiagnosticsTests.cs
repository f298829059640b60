using Microkernel.Diagnostics;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>The crash report's stack scanner.</summary>
internal static unsafe class DiagnosticsTests
{
    internal static void Register()
    {
        TestRegistry.Add("diag/stack-scan-finds-return-addresses", &ScanFindsReturnAddresses);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ulong ReturnAddressHere() => Arch.Cpu.Here();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ulong AnotherReturnAddress() => Arch.Cpu.Here() + 0 * ReturnAddressHere();

    private static void ScanFindsReturnAddresses(ref TestResult t)
    {
        // Cpu.Here() returns the address after its own call: a real return address.
        ulong real = ReturnAddressHere();
        True(ref t, StackScanner.IsReturnAddress(real, KernelImage.TextStart, KernelImage.TextEnd), "a real return address is recognised"u8);
        False(ref t, StackScanner.IsReturnAddress(KernelImage.TextEnd + 64, KernelImage.TextStart, KernelImage.TextEnd), "outside code is rejected"u8);
        False(ref t, StackScanner.IsReturnAddress(0x1234, KernelImage.TextStart, KernelImage.TextEnd), "small numbers are rejected"u8);

        ulong other = AnotherReturnAddress();
        True(ref t, other != real, "two distinct return addresses"u8);
        ulong* fakeStack = stackalloc ulong[8];
        fakeStack[0] = 42;
        fakeStack[1] = real;
        fakeStack[2] = KernelImage.End + 8;
        fakeStack[3] = 0;
        fakeStack[4] = other;
        fakeStack[5] = other; // a stale copy right after: listed once
        fakeStack[6] = real;
        fakeStack[7] = 7;
        System.Span<ulong> found = stackalloc ulong[8];
        int n = StackScanner.Scan((ulong)fakeStack, (ulong)(fakeStack + 8), KernelImage.TextStart, KernelImage.TextEnd, found);
        Equal(ref t, 3, n, "the return addresses, repeats in a row once"u8);
        Equal(ref t, real, found[0], "first"u8);
        Equal(ref t, other, found[1], "second"u8);
        Equal(ref t, real, found[2], "third"u8);
        // Scanning from an unmapped page neither faults nor finds anything there.
        Equal(ref t, 0, StackScanner.Scan(KernelImage.BootStackBottom - 4096, KernelImage.BootStackBottom, KernelImage.TextStart, KernelImage.TextEnd, found), "the guard page yields nothing"u8);
    }
}
