using System;
using System.Threading;

namespace Microkernel.Memory.Heap.Tests;

/// <summary>A fake CPU id per thread: each test thread plays one CPU.</summary>
public readonly struct FakeCpu : ICpuContext
{
    [ThreadStatic]
    private static uint s_cpu;

    public uint CurrentCpu => s_cpu;

    /// <summary>Makes the calling thread CPU <paramref name="cpu"/>.</summary>
    public static void Become(uint cpu) => s_cpu = cpu;
}

/// <summary>A compare-and-swap spin lock that backs off to yielding (threads outnumber cores
/// on the test machine, so a pure spin would burn the holder's time slice).</summary>
public struct HostSpinLock : IHeapLock
{
    private int _held;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
        {
            return;
        }

        SpinWait spin = default;
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            spin.SpinOnce();
        }
    }

    public void Exit() => Volatile.Write(ref _held, 0);
}
