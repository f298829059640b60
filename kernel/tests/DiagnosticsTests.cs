using Microkernel.Diagnostics;
using static Microkernel.Tests.Expect;

namespace Microkernel.Tests
{
    /// <summary>The crash report's stack scanner.</summary>
    internal static unsafe class DiagnosticsTests
    {
        internal static void Register()
        {
            TestRegistry.Add("diag/stack-scan-finds-return-addresses", &ScanFindsReturnAddresses);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static ulong ReturnAddressHere() => Arch.Cpu.Here();

        private static void ScanFindsReturnAddresses(ref TestResult t)
        {
            // Cpu.Here() returns the address after its own call: a real return address.
            ulong real = ReturnAddressHere();
            True(ref t, StackScanner.IsReturnAddress(real, KernelImage.TextStart, KernelImage.TextEnd), "a real return address is recognised"u8);
            False(ref t, StackScanner.IsReturnAddress(KernelImage.TextEnd + 64, KernelImage.TextStart, KernelImage.TextEnd), "outside code is rejected"u8);
            False(ref t, StackScanner.IsReturnAddress(0x1234, KernelImage.TextStart, KernelImage.TextEnd), "small numbers are rejected"u8);

            ulong* fakeStack = stackalloc ulong[6];
            fakeStack[0] = 42;
            fakeStack[1] = real;
            fakeStack[2] = KernelImage.End + 8;
            fakeStack[3] = 0;
            fakeStack[4] = real;
            fakeStack[5] = 7;
            System.Span<ulong> found = stackalloc ulong[8];
            int n = StackScanner.Scan((ulong)fakeStack, (ulong)(fakeStack + 6), KernelImage.TextStart, KernelImage.TextEnd, found);
            Equal(ref t, 2, n, "exactly the two return addresses"u8);
            Equal(ref t, real, found[0], "first one"u8);
        }
    }
}
