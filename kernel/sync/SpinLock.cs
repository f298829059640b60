using System.Threading;
using Microkernel.Arch;

namespace Microkernel.Sync;

/// <summary>A test-and-test-and-set spin lock that also masks interrupts on the
/// holding CPU, so an interrupt handler on the same CPU can never spin on a lock its
/// own CPU holds.</summary>
/// <remarks>Invariant: held ⇒ interrupts are disabled on the holder. Acquire returns
/// the interrupt state to give back to <see cref="Release"/>.</remarks>
internal struct SpinLock
{
    private int _held;

    /// <summary>Takes the lock; returns whether interrupts were enabled before.</summary>
    internal bool Acquire()
    {
        bool interruptsWereEnabled = Cpu.InterruptsEnabled;
        Cpu.DisableInterrupts();
        while (true)
        {
            if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
            {
                return interruptsWereEnabled;
            }

            while (Volatile.Read(ref _held) != 0)
            {
                Cpu.Pause();
            }
        }
    }

    /// <summary>Releases the lock and restores the interrupt state Acquire saw.</summary>
    internal void Release(bool interruptsWereEnabled)
    {
        Volatile.Write(ref _held, 0);
        if (interruptsWereEnabled)
        {
            Cpu.EnableInterrupts();
        }
    }

    /// <summary>Takes the lock only if it is free (panic paths must never wait).</summary>
    internal bool TryAcquire(out bool interruptsWereEnabled)
    {
        interruptsWereEnabled = Cpu.InterruptsEnabled;
        Cpu.DisableInterrupts();
        if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
        {
            return true;
        }

        if (interruptsWereEnabled)
        {
            Cpu.EnableInterrupts();
        }

        return false;
    }
}
