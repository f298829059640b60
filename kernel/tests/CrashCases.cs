using System;
using Microkernel.Arch;
using Microkernel.Diagnostics;
using System.Runtime.CompilerServices;

namespace Microkernel.Tests
{
    /// <summary>Deliberate crashes for the host's crash-report tests (crash=CASE on the
    /// command line). Each method is kept out of line so its name is the one the report
    /// must show.</summary>
    internal static unsafe class CrashCases
    {
        internal static void Run(System.ReadOnlySpan<byte> name)
        {
            if (name.SequenceEqual("nullref"u8)) Sink = NullDereference(null);
            else if (name.SequenceEqual("divzero"u8)) Sink = DivideByZero(s_zero);
            else if (name.SequenceEqual("ud"u8)) InvalidOpcode();
            else if (name.SequenceEqual("panic"u8)) ExplicitPanic();
            else if (name.SequenceEqual("throw"u8)) ThrowInvalidOperation();
        }

        /// <summary>Keeps results alive so the compiler cannot drop the faulting code.</summary>
        internal static int Sink;
#pragma warning disable CS0649 // zero on purpose: the divisor the compiler cannot see
        private static int s_zero;

        private sealed class Node { internal int Value; }
#pragma warning restore CS0649

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int NullDereference(Node? node) => node!.Value;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int DivideByZero(int divisor) => 1000 / divisor;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void InvalidOpcode() => Cpu.InvalidOpcode();

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ExplicitPanic() => Panic.Fail("crash test"u8);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowInvalidOperation() => throw new System.InvalidOperationException("crash test");
    }
}
