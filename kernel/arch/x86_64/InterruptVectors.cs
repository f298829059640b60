namespace Microkernel.Arch;

/// <summary>Vector numbers: the CPU's exceptions, then the ones the kernel assigns.</summary>
internal static class InterruptVectors
{
    internal const int DivideError = 0;
    internal const int Debug = 1;
    internal const int Nmi = 2;
    internal const int Breakpoint = 3;
    internal const int Overflow = 4;
    internal const int BoundRange = 5;
    internal const int InvalidOpcode = 6;
    internal const int DeviceNotAvailable = 7;
    internal const int DoubleFault = 8;
    internal const int InvalidTss = 10;
    internal const int SegmentNotPresent = 11;
    internal const int StackFault = 12;
    internal const int GeneralProtection = 13;
    internal const int PageFault = 14;
    internal const int FloatingPoint = 16;
    internal const int AlignmentCheck = 17;
    internal const int MachineCheck = 18;
    internal const int SimdFloatingPoint = 19;
    internal const int Virtualization = 20;
    internal const int ControlProtection = 21;

    /// <summary>Legacy PIC IRQs are remapped here (then masked) so a stray one is not
    /// mistaken for an exception.</summary>
    internal const int LegacyPicBase = 0x20;
    internal const int Timer = 0x30;
    /// <summary>The ACPI system control interrupt (power button), routed by the I/O APIC.</summary>
    internal const int AcpiSci = 0x40;
    internal const int Spurious = 0xFF;

    /// <summary>The exception's mnemonic and name, for reports.</summary>
    internal static System.ReadOnlySpan<byte> Name(ulong vector) => vector switch
    {
        0 => "#DE Divide error"u8,
        1 => "#DB Debug"u8,
        2 => "NMI"u8,
        3 => "#BP Breakpoint"u8,
        4 => "#OF Overflow"u8,
        5 => "#BR Bound range exceeded"u8,
        6 => "#UD Invalid opcode"u8,
        7 => "#NM Device not available"u8,
        8 => "#DF Double fault"u8,
        10 => "#TS Invalid TSS"u8,
        11 => "#NP Segment not present"u8,
        12 => "#SS Stack-segment fault"u8,
        13 => "#GP General protection"u8,
        14 => "#PF Page fault"u8,
        16 => "#MF x87 floating-point"u8,
        17 => "#AC Alignment check"u8,
        18 => "#MC Machine check"u8,
        19 => "#XM SIMD floating-point"u8,
        20 => "#VE Virtualization"u8,
        21 => "#CP Control protection"u8,
        _ => "Reserved exception"u8,
    };
}
