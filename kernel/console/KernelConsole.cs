using Microkernel.Sync;

namespace Microkernel.Console;

/// <summary>The kernel's text output: COM1, serialised across CPUs and interrupts.</summary>
/// <remarks>Lines are written whole under one lock so output from two CPUs never
/// interleaves mid-line. Panic output uses <see cref="WriteUnlocked"/>: a CPU that
/// died holding the lock must not silence the report.</remarks>
internal static class KernelConsole
{
    private static SerialPort s_port;
    private static bool s_present;
    private static SpinLock s_lock;

    /// <summary>Sets up COM1. Safe to call more than once.</summary>
    internal static void Initialize()
    {
        s_port = new SerialPort(SerialPort.Com1);
        s_present = s_port.Initialize();
    }

    /// <summary>Writes bytes as one unit (no interleaving with other writers).</summary>
    internal static void Write(System.ReadOnlySpan<byte> text)
    {
        bool interrupts = s_lock.Acquire();
        WriteUnlocked(text);
        s_lock.Release(interrupts);
    }

    /// <summary>Writes bytes without taking the lock (panic path only).</summary>
    internal static void WriteUnlocked(System.ReadOnlySpan<byte> text)
    {
        if (!s_present)
        {
            return;
        }

        for (int i = 0; i < text.Length; i++)
        {
            // Terminals want CRLF; the log stays LF in memory.
            if (text[i] == (byte)'\n')
            {
                s_port.Write((byte)'\r');
            }

            s_port.Write(text[i]);
        }
    }
}
