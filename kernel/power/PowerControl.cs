using Microkernel.Arch;
using Microkernel.Console;

namespace Microkernel.Power
{
    /// <summary>Power off and reset.</summary>
    /// <remarks>Power off here uses the fixed ACPI PM1a control ports of the chipsets
    /// QEMU emulates (PIIX4 on pc, ICH9 on q35: SLP_TYPa=5|SLP_EN at 0x604) and of Bochs;
    /// parsing the FADT for arbitrary machines is the shutdown issue's work (see
    /// docs). Reset tries the 8042 keyboard controller, then the PCI reset register
    /// 0xCF9, then a triple fault, which resets every x86 machine.</remarks>
    internal static class PowerControl
    {
        internal static void PowerOff()
        {
            Log.Write(LogLevel.Info, "power"u8, "powering off"u8);
            Cpu.DisableInterrupts();
            Cpu.OutWord(0x604, 0x2000);   // QEMU pc / q35
            Cpu.OutWord(0xB004, 0x2000);  // Bochs, older QEMU
            Cpu.OutWord(0x4004, 0x3400);  // VirtualBox
            Log.Write(LogLevel.Error, "power"u8, "power off did not take effect; halting"u8);
            Cpu.HaltForever();
        }

        internal static void Reboot()
        {
            Cpu.DisableInterrupts();
            // 8042: wait for the input buffer to drain (bounded), then pulse the reset line.
            for (int i = 0; i < 100_000 && (Cpu.InByte(0x64) & 0x02) != 0; i++) Cpu.Pause();
            Cpu.OutByte(0x64, 0xFE);
            // PCI reset control register: full reset.
            Cpu.OutByte(0xCF9, 0x02);
            Cpu.OutByte(0xCF9, 0x06);
            Cpu.TripleFault();
        }
    }
}
