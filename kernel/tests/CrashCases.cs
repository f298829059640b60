using System;
using System.Runtime.CompilerServices;
using Microkernel.Arch;
using Microkernel.Diagnostics;

namespace Microkernel.Tests;

/// <summary>Deliberate crashes for the host's crash-report tests (crash=CASE on the
/// command line). Each method is kept out of line so its name is the one the report
/// must show.</summary>
internal static unsafe class CrashCases
{
    internal static void Run(System.ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("nullref"u8))
        {
            Sink = NullDereference(null);
        }
        else if (name.SequenceEqual("divzero"u8))
        {
            Sink = DivideByZero(s_zero);
        }
        else if (name.SequenceEqual("ud"u8))
        {
            InvalidOpcode();
        }
        else if (name.SequenceEqual("panic"u8))
        {
            ExplicitPanic();
        }
        else if (name.SequenceEqual("throw"u8))
        {
            ThrowInvalidOperation();
        }
        else if (name.SequenceEqual("write-text"u8))
        {
            WriteKernelText();
        }
        else if (name.SequenceEqual("exec-data"u8))
        {
            ExecuteData();
        }
        else if (name.SequenceEqual("exec-stack"u8))
        {
            ExecuteStack();
        }
        else if (name.SequenceEqual("stack-overflow"u8))
        {
            Sink = Recurse(1);
        }
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

    // One `ret` instruction in writable data: executing it must fault (W^X).
    private static byte s_returnInstruction = 0xC3;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteKernelText() => *(byte*)Diagnostics.KernelImage.TextStart = 0x90;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ExecuteData()
    {
        fixed (byte* code = &s_returnInstruction)
        {
            ((delegate* unmanaged<void>)code)();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ExecuteStack()
    {
        byte* code = stackalloc byte[16];
        code[0] = 0xC3;
        ((delegate* unmanaged<void>)code)();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Recurse(int depth)
    {
        // A frame big enough that the overflow comes quickly; the guard page below
        // the boot stack turns it into a double fault on its own stack.
        byte* pad = stackalloc byte[512];
        pad[depth & 511] = (byte)depth;
        return Recurse(depth + 1) + pad[0];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidOperation() => throw new System.InvalidOperationException("crash test");
}
