namespace Microkernel.Acpi;

/// <summary>ACPI Generic Address Structure (12 bytes in a table): where a register
/// lives. Legacy 32-bit FADT block fields are converted to one of these in the
/// system-I/O space so callers handle one form.</summary>
public struct GenericAddress
{
    /// <summary><see cref="AddressSpaceId"/> value: system memory (MMIO).</summary>
    public const byte SystemMemory = 0;

    /// <summary><see cref="AddressSpaceId"/> value: system I/O (port) space.</summary>
    public const byte SystemIo = 1;

    /// <summary>Address space: 0 memory, 1 I/O, 2 PCI configuration, ...</summary>
    public byte AddressSpaceId;

    /// <summary>Register width in bits (0 when unknown).</summary>
    public byte BitWidth;

    /// <summary>Bit offset of the register within the address.</summary>
    public byte BitOffset;

    /// <summary>Access size: 0 undefined, 1 byte, 2 word, 3 dword, 4 qword.</summary>
    public byte AccessSize;

    /// <summary>Address in the given space; 0 means "not present".</summary>
    public ulong Address;

    /// <summary>True when an address is given.</summary>
    public readonly bool IsPresent => Address != 0;

    /// <summary>True for a register in port I/O space whose address fits a port number.</summary>
    public readonly bool IsIoPort => AddressSpaceId == SystemIo && Address != 0 && Address <= 0xFFFF;

    /// <summary>A system-I/O register at <paramref name="port"/> of
    /// <paramref name="lengthBytes"/> bytes (a legacy FADT block field).</summary>
    public static GenericAddress IoPort(uint port, byte lengthBytes)
    {
        GenericAddress address = default;
        if (port != 0)
        {
            address.AddressSpaceId = SystemIo;
            address.BitWidth = (byte)(lengthBytes * 8);
            address.Address = port;
        }

        return address;
    }

    /// <summary>Decodes the 12 bytes of a GAS (the caller has checked the length).</summary>
    public static GenericAddress Decode(System.ReadOnlySpan<byte> bytes)
    {
        GenericAddress address;
        address.AddressSpaceId = bytes[0];
        address.BitWidth = bytes[1];
        address.BitOffset = bytes[2];
        address.AccessSize = bytes[3];
        address.Address = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(4));
        return address;
    }
}
