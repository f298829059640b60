using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace CrashSymbolizer;

/// <summary>
/// A minimal, strict reader for ELF64 little-endian files: header, section headers,
/// program headers and section contents. It reads only what symbolization needs and
/// validates every offset it follows, so a truncated or corrupt file gives a one-line
/// <see cref="ElfFormatException"/> instead of an index error deep inside a parser.
/// </summary>
public sealed class ElfFile
{
    /// <summary>e_machine value for x86-64.</summary>
    public const ushort MachineX86_64 = 62;

    private readonly byte[] _data;
    private readonly List<ElfSection> _sections = new();
    private readonly List<ElfSegment> _loadSegments = new();

    private ElfFile(byte[] data) => _data = data;

    /// <summary>e_type: 1 = relocatable, 2 = executable, 3 = shared/PIE.</summary>
    public ushort FileType { get; private set; }

    /// <summary>e_machine (62 = x86-64).</summary>
    public ushort Machine { get; private set; }

    /// <summary>e_entry.</summary>
    public ulong Entry { get; private set; }

    /// <summary>All section headers, in table order.</summary>
    public IReadOnlyList<ElfSection> Sections => _sections;

    /// <summary>The PT_LOAD program headers, in table order (empty when there is no program header table).</summary>
    public IReadOnlyList<ElfSegment> LoadSegments => _loadSegments;

    /// <summary>Reads and parses the file at <paramref name="path"/>.</summary>
    /// <exception cref="ElfFormatException">Missing, unreadable, or malformed file.</exception>
    public static ElfFile Load(string path)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new ElfFormatException($"ELF file '{path}' not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new ElfFormatException($"ELF file '{path}' not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ElfFormatException($"cannot read ELF file '{path}': {e.Message}", e);
        }
        try
        {
            return Parse(data);
        }
        catch (ElfFormatException e)
        {
            throw new ElfFormatException($"'{path}' is not a usable ELF file: {e.Message}", e);
        }
    }

    /// <summary>Parses an in-memory ELF image.</summary>
    /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 LE file.</exception>
    public static ElfFile Parse(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var elf = new ElfFile(data);
        elf.ParseHeaders();
        return elf;
    }

    private void ParseHeaders()
    {
        if (_data.Length < 4 || _data[0] != 0x7f || _data[1] != (byte)'E' || _data[2] != (byte)'L' || _data[3] != (byte)'F')
        {
            throw new ElfFormatException("no ELF magic (\\x7fELF)");
        }

        if (_data.Length < 64)
        {
            throw new ElfFormatException($"file is {_data.Length} bytes, shorter than an ELF64 header (truncated?)");
        }

        if (_data[4] != 2)
        {
            throw new ElfFormatException("not a 64-bit ELF (EI_CLASS != ELFCLASS64)");
        }

        if (_data[5] != 1)
        {
            throw new ElfFormatException("not a little-endian ELF (EI_DATA != ELFDATA2LSB)");
        }

        ReadOnlySpan<byte> h = _data;
        FileType = U16(h, 16);
        Machine = U16(h, 18);
        Entry = U64(h, 24);
        ulong phoff = U64(h, 32);
        ulong shoff = U64(h, 40);
        ushort phentsize = U16(h, 54);
        ulong phnum = U16(h, 56);
        ushort shentsize = U16(h, 58);
        ulong shnum = U16(h, 60);
        uint shstrndx = U16(h, 62);

        if (shoff != 0)
        {
            if (shentsize < 64)
            {
                throw new ElfFormatException($"section header entry size {shentsize} is too small");
            }

            CheckRange(shoff, shentsize, "section header table");
            if (shnum == 0)
            {
                shnum = U64(h, checked((int)shoff) + 32); // extended numbering: count in section 0's sh_size
            }

            if (shstrndx == 0xffff)
            {
                shstrndx = U32(h, checked((int)shoff) + 40); // SHN_XINDEX: index in section 0's sh_link
            }

            CheckRange(shoff, shnum * shentsize, "section header table");
        }
        if (phoff != 0 && phnum != 0)
        {
            if (phentsize < 56)
            {
                throw new ElfFormatException($"program header entry size {phentsize} is too small");
            }

            CheckRange(phoff, phnum * phentsize, "program header table");
            for (ulong i = 0; i < phnum; i++)
            {
                int p = checked((int)(phoff + i * phentsize));
                uint type = U32(h, p);
                if (type != 1)
                {
                    continue; // PT_LOAD
                }

                uint flags = U32(h, p + 4);
                ulong offset = U64(h, p + 8), vaddr = U64(h, p + 16), filesz = U64(h, p + 32), memsz = U64(h, p + 40);
                CheckRange(offset, filesz, $"PT_LOAD segment at 0x{vaddr:x}");
                _loadSegments.Add(new ElfSegment(vaddr, offset, filesz, memsz, flags));
            }
        }

        var raw = new List<(uint Name, uint Type, ulong Flags, ulong Addr, ulong Off, ulong Size, uint Link, ulong EntSize)>();
        for (ulong i = 0; shoff != 0 && i < shnum; i++)
        {
            int s = checked((int)(shoff + i * shentsize));
            raw.Add((U32(h, s), U32(h, s + 4), U64(h, s + 8), U64(h, s + 16), U64(h, s + 24), U64(h, s + 32), U32(h, s + 40), U64(h, s + 56)));
        }
        for (int i = 0; i < raw.Count; i++)
        {
            (uint Name, uint Type, ulong Flags, ulong Addr, ulong Off, ulong Size, uint Link, ulong EntSize) r = raw[i];
            if (r.Type != ElfSection.TypeNoBits && r.Type != 0)
            {
                CheckRange(r.Off, r.Size, $"section #{i}");
            }
        }
        if (raw.Count > 0 && shstrndx >= (uint)raw.Count)
        {
            throw new ElfFormatException($"section name table index {shstrndx} out of range");
        }

        for (int i = 0; i < raw.Count; i++)
        {
            (uint Name, uint Type, ulong Flags, ulong Addr, ulong Off, ulong Size, uint Link, ulong EntSize) r = raw[i];
            string name = raw.Count > 0 ? ReadString(raw[(int)shstrndx].Off, raw[(int)shstrndx].Size, r.Name) : "";
            _sections.Add(new ElfSection(i, name, r.Type, r.Flags, r.Addr, r.Off, r.Size, r.Link, r.EntSize));
        }
    }

    private void CheckRange(ulong offset, ulong size, string what)
    {
        ulong len = (ulong)_data.Length;
        if (offset > len || size > len - offset)
        {
            throw new ElfFormatException(
                $"{what} at file offset 0x{offset:x} (+0x{size:x}) extends past end of file (size 0x{len:x}; truncated?)");
        }
    }

    /// <summary>Reads a NUL-terminated string at <paramref name="index"/> inside a string table.</summary>
    internal string ReadString(ulong tableOffset, ulong tableSize, uint index)
    {
        if (index >= tableSize)
        {
            return "";
        }

        int start = checked((int)(tableOffset + index));
        int end = checked((int)(tableOffset + tableSize));
        int nul = Array.IndexOf(_data, (byte)0, start, end - start);
        if (nul < 0)
        {
            nul = end;
        }

        return Encoding.UTF8.GetString(_data, start, nul - start);
    }

    /// <summary>The first section called <paramref name="name"/>, or null.</summary>
    public ElfSection? FindSection(string name)
    {
        foreach (ElfSection s in _sections)
        {
            if (s.Name == name)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>
    /// The contents of a section as stored in the file, decompressed when the section is
    /// SHF_COMPRESSED with zlib. NOBITS sections give an empty array.
    /// </summary>
    /// <exception cref="ElfFormatException">Unsupported or corrupt compression.</exception>
    public byte[] GetSectionData(ElfSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section.IsNoBits || section.Size == 0)
        {
            return Array.Empty<byte>();
        }

        Span<byte> bytes = _data.AsSpan(checked((int)section.Offset), checked((int)section.Size));
        if (!section.IsCompressed)
        {
            return bytes.ToArray();
        }

        if (bytes.Length < 24)
        {
            throw new ElfFormatException($"compressed section {section.Name} has no Elf64_Chdr");
        }

        uint chType = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        ulong chSize = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        if (chType != 1)
        {
            throw new ElfFormatException($"section {section.Name} uses compression type {chType}; only zlib (1) is supported");
        }

        if (chSize > int.MaxValue)
        {
            throw new ElfFormatException($"compressed section {section.Name} is too large");
        }

        try
        {
            using var input = new MemoryStream(bytes[24..].ToArray());
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            byte[] result = new byte[chSize];
            z.ReadExactly(result);
            return result;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ElfFormatException($"compressed section {section.Name} is corrupt: {e.Message}", e);
        }
    }

    /// <summary>Contents of the named section, or an empty array when it does not exist.</summary>
    public byte[] GetSectionData(string name)
    {
        ElfSection? s = FindSection(name);
        return s is null ? Array.Empty<byte>() : GetSectionData(s);
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of the loaded image starting at virtual
    /// address <paramref name="address"/>, from an allocated PROGBITS section or, if none
    /// covers it, from a PT_LOAD segment. Returns fewer bytes (possibly none) when the
    /// address range runs past the end of what the file provides.
    /// </summary>
    public byte[] ReadLoaded(ulong address, int count)
    {
        foreach (ElfSection s in _sections)
        {
            if (!s.ContainsAddress(address) || s.IsNoBits || s.IsCompressed)
            {
                continue;
            }

            ulong avail = s.Size - (address - s.Address);
            int n = (int)Math.Min((ulong)count, avail);
            return _data.AsSpan(checked((int)(s.Offset + (address - s.Address))), n).ToArray();
        }
        foreach ((ulong vaddr, ulong offset, ulong filesz, ulong _, uint _) in _loadSegments)
        {
            if (address < vaddr || address - vaddr >= filesz)
            {
                continue;
            }

            ulong avail = filesz - (address - vaddr);
            int n = (int)Math.Min((ulong)count, avail);
            return _data.AsSpan(checked((int)(offset + (address - vaddr))), n).ToArray();
        }
        return Array.Empty<byte>();
    }

    /// <summary>True when <paramref name="address"/> lies in an executable section.</summary>
    public bool IsCodeAddress(ulong address)
    {
        foreach (ElfSection s in _sections)
        {
            if (s.IsExecutable && s.ContainsAddress(address))
            {
                return true;
            }
        }

        return false;
    }

    private static ushort U16(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt16LittleEndian(b[o..]);
    private static uint U32(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt32LittleEndian(b[o..]);
    private static ulong U64(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt64LittleEndian(b[o..]);
}
