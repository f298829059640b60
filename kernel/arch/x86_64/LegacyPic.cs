namespace Microkernel.Arch;

/// <summary>The two 8259 PICs. The kernel uses the local APIC, so these are
/// remapped away from the exception vectors and masked.</summary>
internal static class LegacyPic
{
    internal static void RemapAndMask()
    {
        // ICW1: init + ICW4 needed; ICW2: vector offsets; ICW3: cascade; ICW4: 8086 mode.
        Cpu.OutByte(0x20, 0x11); Cpu.OutByte(0xA0, 0x11);
        Cpu.OutByte(0x21, InterruptVectors.LegacyPicBase); Cpu.OutByte(0xA1, InterruptVectors.LegacyPicBase + 8);
        Cpu.OutByte(0x21, 0x04); Cpu.OutByte(0xA1, 0x02);
        Cpu.OutByte(0x21, 0x01); Cpu.OutByte(0xA1, 0x01);
        Cpu.OutByte(0x21, 0xFF); Cpu.OutByte(0xA1, 0xFF);
    }
}
