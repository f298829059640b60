using Microkernel.Arch;

namespace Microkernel.Console;

/// <summary>A 16550-compatible UART (COM1 at 0x3F8 on PC-class machines and microvm).</summary>
internal readonly struct SerialPort
{
    internal const ushort Com1 = 0x3F8;
    internal const ushort Com2 = 0x2F8;

    private readonly ushort _base;

    internal SerialPort(ushort basePort) { _base = basePort; }

    /// <summary>115200 baud, 8N1, FIFOs on, no interrupts. Returns false when no UART
    /// answers at this port (loopback test), so the kernel can run without a console.</summary>
    internal bool Initialize()
    {
        Cpu.OutByte((ushort)(_base + 1), 0x00);    // no interrupts
        Cpu.OutByte((ushort)(_base + 3), 0x80);    // DLAB on
        Cpu.OutByte((ushort)(_base + 0), 0x01);    // divisor 1 -> 115200 baud
        Cpu.OutByte((ushort)(_base + 1), 0x00);
        Cpu.OutByte((ushort)(_base + 3), 0x03);    // 8 bits, no parity, 1 stop, DLAB off
        Cpu.OutByte((ushort)(_base + 2), 0xC7);    // FIFO on, cleared, 14-byte threshold
        Cpu.OutByte((ushort)(_base + 4), 0x1E);    // loopback mode for the self-test
        Cpu.OutByte((ushort)(_base + 0), 0xAE);
        bool present = Cpu.InByte((ushort)(_base + 0)) == 0xAE;
        Cpu.OutByte((ushort)(_base + 4), 0x0F);    // normal mode, OUT1/OUT2, RTS/DTR
        return present;
    }

    /// <summary>Writes one byte, waiting (boundedly) for the transmitter.</summary>
    internal void Write(byte value)
    {
        // Bounded wait: a wedged UART must slow the log down, never hang the kernel.
        for (int spins = 0; spins < 100_000; spins++)
        {
            if ((Cpu.InByte((ushort)(_base + 5)) & 0x20) != 0)
            {
                break;
            }

            Cpu.Pause();
        }
        Cpu.OutByte(_base, value);
    }

    /// <summary>True when a received byte is waiting.</summary>
    internal bool HasInput => (Cpu.InByte((ushort)(_base + 5)) & 0x01) != 0;

    /// <summary>Reads a waiting byte (check <see cref="HasInput"/> first).</summary>
    internal byte Read() => Cpu.InByte(_base);
}
