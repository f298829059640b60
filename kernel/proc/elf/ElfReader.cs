using System;
using System.Buffers.Binary;

namespace Microkernel.Process.Elf;

/// <summary>Bounds-checked little-endian reads from the file. Offsets and lengths are
/// 64-bit, as the ELF fields are; nothing is sliced before the range is known to be inside
/// the file, so a hostile offset yields false, never an out-of-range access.</summary>
internal readonly ref struct ElfReader
{
    private readonly ReadOnlySpan<byte> _file;

    public ElfReader(ReadOnlySpan<byte> file)
    {
        _file = file;
    }

    public ulong Length => (ulong)_file.Length;

    /// <summary>True when [offset, offset + length) lies inside the file (no overflow).</summary>
    public bool Contains(ulong offset, ulong length)
    {
        return offset <= Length && length <= Length - offset;
    }

    public bool TryU16(ulong offset, out ushort value)
    {
        if (!Contains(offset, 2))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_file.Slice((int)offset, 2));
        return true;
    }

    public bool TryU32(ulong offset, out uint value)
    {
        if (!Contains(offset, 4))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_file.Slice((int)offset, 4));
        return true;
    }

    public bool TryU64(ulong offset, out ulong value)
    {
        if (!Contains(offset, 8))
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_file.Slice((int)offset, 8));
        return true;
    }

    /// <summary>The u16 at offset, or 0 when it is not inside the file. For fields whose
    /// range the caller has already checked with <see cref="Contains"/>.</summary>
    public ushort U16(ulong offset)
    {
        TryU16(offset, out ushort value);
        return value;
    }

    /// <summary>The u32 at offset, or 0 when it is not inside the file.</summary>
    public uint U32(ulong offset)
    {
        TryU32(offset, out uint value);
        return value;
    }

    /// <summary>The u64 at offset, or 0 when it is not inside the file.</summary>
    public ulong U64(ulong offset)
    {
        TryU64(offset, out ulong value);
        return value;
    }

    public bool TryByte(ulong offset, out byte value)
    {
        if (!Contains(offset, 1))
        {
            value = 0;
            return false;
        }

        value = _file[(int)offset];
        return true;
    }
}
