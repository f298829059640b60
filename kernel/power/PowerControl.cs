using Microkernel.Arch;
using Microkernel.Console;

namespace Microkernel.Power;

/// <summary>Power off and reset.</summary>
/// <remarks>Power off writes SLP_EN (S5, SLP_TYP 0 as QEMU's _S5 says) to the ACPI
/// PM1a control register of the chipsets QEMU emulates: PIIX4 on pc at 0x604, ICH9 on
/// q35 at PMBASE + 4 (PMBASE read from the LPC bridge, 00:1f.0 offset 0x40, where the
/// firmware put it), and the Bochs/VirtualBox ports. Parsing the FADT for arbitrary
/// machines is the shutdown issue's work. Reset tries the 8042 keyboard controller,
/// then the PCI reset register 0xCF9, then a triple fault, which resets every x86
/// machine.</remarks>
internal static class PowerControl
{
    internal static void PowerOff(bool quiet = false)
    {
        // The shutdown path has printed its own final line already.
        if (!quiet)
        {
            Log.Write(LogLevel.Info, "power"u8, "powering off"u8);
        }

        Cpu.DisableInterrupts();
        ushort ich9 = Ich9PmBase();
        if (ich9 != 0)
        {
            Cpu.OutWord((ushort)(ich9 + 4), 0x2000); // QEMU q35
        }

        Cpu.OutWord(0x604, 0x2000);   // QEMU pc (PIIX4)
        // The machine goes down asynchronously (a hypervisor handles the request on
        // its own time): give it a moment before trying the next way or giving up.
        WaitMilliseconds(500);
        Cpu.OutWord(0xB004, 0x2000);  // Bochs, older QEMU
        Cpu.OutWord(0x4004, 0x3400);  // VirtualBox
        WaitMilliseconds(500);
        Log.Write(LogLevel.Error, "power"u8, "power off did not take effect; halting"u8);
        Cpu.HaltForever();
    }

    /// <summary>Busy-waits on the TSC (interrupts may be off).</summary>
    internal static void WaitMilliseconds(ulong milliseconds)
    {
        ulong hz = TimeStampCounter.Hz == 0 ? 1_000_000_000 : TimeStampCounter.Hz;
        ulong end = Cpu.ReadTsc() + hz / 1000 * milliseconds;
        while (Cpu.ReadTsc() < end)
        {
            Cpu.Pause();
        }
    }

    /// <summary>The ICH9 LPC bridge's ACPI I/O base, or 0 when there is no ICH9.</summary>
    private static ushort Ich9PmBase()
    {
        const uint Lpc = 0x8000_0000u | (31u << 11); // bus 0, device 31, function 0
        Cpu.OutDword(0xCF8, Lpc);
        uint id = Cpu.InDword(0xCFC);
        if ((id & 0xFFFF) != 0x8086 || (id >> 16) != 0x2918)
        {
            return 0;
        }

        Cpu.OutDword(0xCF8, Lpc | 0x40);
        return (ushort)(Cpu.InDword(0xCFC) & 0xFF80);
    }

    internal static void Reboot()
    {
        Cpu.DisableInterrupts();
        // 8042: wait for the input buffer to drain (bounded), then pulse the reset line.
        for (int i = 0; i < 100_000 && (Cpu.InByte(0x64) & 0x02) != 0; i++)
        {
            Cpu.Pause();
        }

        Cpu.OutByte(0x64, 0xFE);
        // PCI reset control register: full reset.
        Cpu.OutByte(0xCF9, 0x02);
        Cpu.OutByte(0xCF9, 0x06);
        Cpu.TripleFault();
    }
}
