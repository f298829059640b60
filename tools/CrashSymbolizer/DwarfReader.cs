using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace CrashSymbolizer;

/// <summary>
/// Bounds-checked little-endian cursor over DWARF section bytes. Every read past
/// <see cref="Limit"/> throws <see cref="InvalidDataException"/>, which the line-table
/// parser turns into "skip this unit".
/// </summary>
internal sealed class DwarfReader
{
    private readonly byte[] _data;

    public DwarfReader(byte[] data, int position, int limit)
    {
        _data = data;
        Position = position;
        Limit = Math.Min(limit, data.Length);
    }

    public int Position { get; set; }

    /// <summary>Exclusive end of the readable range.</summary>
    public int Limit { get; set; }

    public bool AtEnd => Position >= Limit;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || Position > Limit - n)
        {
            throw new InvalidDataException("DWARF data truncated");
        }

        Span<byte> span = _data.AsSpan(Position, n);
        Position += n;
        return span;
    }

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>An unsigned value of 1, 2, 4 or 8 bytes.</summary>
    public ulong UInt(int size) => size switch
    {
        1 => U8(),
        2 => U16(),
        4 => U32(),
        8 => U64(),
        _ => throw new InvalidDataException($"unsupported integer size {size}"),
    };

    /// <summary>A section offset: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF.</summary>
    public ulong Offset(bool dwarf64) => dwarf64 ? U64() : U32();

    public ulong ULeb()
    {
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            byte b = U8();
            if (shift < 64)
            {
                result |= (ulong)(b & 0x7f) << shift;
            }

            shift += 7;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public long SLeb()
    {
        long result = 0;
        int shift = 0;
        byte b;
        do
        {
            b = U8();
            if (shift < 64)
            {
                result |= (long)(b & 0x7f) << shift;
            }

            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0)
        {
            result |= -1L << shift;
        }

        return result;
    }

    public string CString()
    {
        int end = Array.IndexOf(_data, (byte)0, Position, Limit - Position);
        if (end < 0)
        {
            throw new InvalidDataException("unterminated string in DWARF data");
        }

        string s = Encoding.UTF8.GetString(_data, Position, end - Position);
        Position = end + 1;
        return s;
    }

    public void Skip(ulong n)
    {
        if (n > (ulong)(Limit - Position))
        {
            throw new InvalidDataException("DWARF data truncated");
        }

        Position += (int)n;
    }

    /// <summary>A NUL-terminated string at <paramref name="offset"/> in a string section (.debug_str, .debug_line_str).</summary>
    public static string StringAt(byte[] section, ulong offset)
    {
        if (offset >= (ulong)section.Length)
        {
            throw new InvalidDataException($"string offset 0x{offset:x} outside string section");
        }

        int start = (int)offset;
        int end = Array.IndexOf(section, (byte)0, start);
        if (end < 0)
        {
            end = section.Length;
        }

        return Encoding.UTF8.GetString(section, start, end - start);
    }
}
