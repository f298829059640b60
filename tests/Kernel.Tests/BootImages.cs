using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using Microkernel.Boot;

namespace Microkernel.Tests;

/// <summary>The memory maps QEMU's BIOS (SeaBIOS e820) reports; (base, length, e820 type).</summary>
public static class QemuMaps
{
    /// <summary>qemu-system-x86_64 -M pc -m 32M.</summary>
    public static readonly (ulong Base, ulong Length, uint Type)[] Pc32M =
    {
        (0x0, 0x9fc00, 1),
        (0x9fc00, 0x400, 2),
        (0xf0000, 0x10000, 2),
        (0x100000, 0x1ee0000, 1),
        (0x1fe0000, 0x20000, 2),
        (0xfffc0000, 0x40000, 2),
    };

    /// <summary>qemu-system-x86_64 -M pc -m 4G: 3 GiB below the PCI hole, 1 GiB above 4 GiB.</summary>
    public static readonly (ulong Base, ulong Length, uint Type)[] Pc4G =
    {
        (0x0, 0x9fc00, 1),
        (0x9fc00, 0x400, 2),
        (0xf0000, 0x10000, 2),
        (0x100000, 0xbfee0000, 1),
        (0xbffe0000, 0x20000, 2),
        (0xfeffc000, 0x4000, 2),
        (0xfffc0000, 0x40000, 2),
        (0x100000000, 0x40000000, 1),
    };
}

/// <summary>Builds a multiboot_info plus its tables in a fake physical memory, in low
/// memory below the kernel as QEMU's multiboot loader and GRUB place them; each table is
/// its own chunk so any overrun is refused by the fake reader.</summary>
public sealed class MultibootImage
{
    public const ulong InfoAddress = 0x9000;
    public const ulong ModsAddress = 0x9100;
    public const ulong MmapAddress = 0x80000;
    public const ulong CmdlineAddress = 0x20000;
    public const ulong ModuleCmdlineAddress = 0x30000;
    public const ulong ModuleStart = 0x200000;

    public uint Flags = Multiboot1Parser.FlagMemory | Multiboot1Parser.FlagCommandLine
        | Multiboot1Parser.FlagModules | Multiboot1Parser.FlagMemoryMap | (1u << 1) | (1u << 9);
    public uint MemLower = 639;
    public uint MemUpper = 31616;
    public List<byte[]> MmapEntries = new();
    public uint? MmapLengthOverride;
    public uint MmapAddr = (uint)MmapAddress;
    public string? Cmdline = "console=com1 loglevel=3";
    public uint? CmdlinePointer;
    public List<(uint Start, uint End, string? Cmdline)> Modules = new();
    public uint ModsAddr = (uint)ModsAddress;
    public uint? ModsCountOverride;

    public static byte[] Entry(ulong baseAddress, ulong length, uint type, uint size = 20)
    {
        byte[] e = new byte[4 + Math.Max(size, 20u)];
        BinaryPrimitives.WriteUInt32LittleEndian(e, size);
        BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(4), baseAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(12), length);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(20), type);
        return e;
    }

    public MultibootImage WithMap((ulong Base, ulong Length, uint Type)[] map)
    {
        foreach ((ulong b, ulong l, uint t) in map)
        {
            MmapEntries.Add(Entry(b, l, t));
        }

        return this;
    }

    public FakePhysicalMemory Build()
    {
        var memory = new FakePhysicalMemory();
        // mmap: variable length, its own chunk so overruns are caught exactly.
        var mmap = new List<byte>();
        foreach (byte[] e in MmapEntries)
        {
            mmap.AddRange(e);
        }

        memory.Add(MmapAddress, mmap.ToArray());

        byte[] info = new byte[116];
        W(info, 0, Flags);
        W(info, 4, MemLower);
        W(info, 8, MemUpper);
        W(info, 12, 0x8000ffff); // boot_device: first hard disk
        W(info, 16, CmdlinePointer ?? (Cmdline is null ? 0 : (uint)CmdlineAddress));
        W(info, 20, ModsCountOverride ?? (uint)Modules.Count);
        W(info, 24, ModsAddr);
        W(info, 44, MmapLengthOverride ?? (uint)mmap.Count);
        W(info, 48, MmapAddr);
        memory.Add(InfoAddress, info);

        if (Cmdline is not null)
        {
            memory.Add(CmdlineAddress, CString(Cmdline));
        }

        if (Modules.Count > 0)
        {
            byte[] mods = new byte[16 * Modules.Count];
            var strings = new List<byte>();
            for (int i = 0; i < Modules.Count; i++)
            {
                (uint start, uint end, string? cmd) = Modules[i];
                W(mods, 16 * i, start);
                W(mods, (16 * i) + 4, end);
                if (cmd is not null)
                {
                    W(mods, (16 * i) + 8, (uint)ModuleCmdlineAddress + (uint)strings.Count);
                    strings.AddRange(CString(cmd));
                }
            }

            memory.Add(ModsAddress, mods);
            memory.Add(ModuleCmdlineAddress, strings.ToArray());
        }

        return memory;
    }

    public static byte[] CString(string s)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(s);
        Array.Resize(ref bytes, bytes.Length + 1);
        return bytes;
    }

    private static void W(byte[] b, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);
}

/// <summary>Builds an hvm_start_info laid out like Firecracker does: start_info at
/// 0x6000, module list at 0x6040, memory map at 0x7000, command line at 0x20000.</summary>
public sealed class PvhImage
{
    public const ulong InfoAddress = 0x6000;
    public const ulong ModlistAddress = 0x6040;
    public const ulong MemmapAddress = 0x7000;
    public const ulong CmdlineAddress = 0x20000;
    public const ulong ModuleCmdlineAddress = 0x21000;
    public const ulong RsdpAddress = 0xe0000;

    public uint Magic = PvhStartInfoParser.StartMagic;
    public uint Version = 1;
    public List<(ulong Base, ulong Length, uint Type)> Map = new();
    public uint? EntriesOverride;
    public ulong MemmapPaddr = MemmapAddress;
    public string? Cmdline = "console=ttyS0 reboot=k panic=1";
    public List<(ulong Start, ulong Size, string? Cmdline)> Modules = new();
    public ulong ModlistPaddr = ModlistAddress;
    public uint? ModuleCountOverride;

    public FakePhysicalMemory Build()
    {
        var memory = new FakePhysicalMemory();
        byte[] info = new byte[Version >= 1 ? 0x38 : 0x28];
        BinaryPrimitives.WriteUInt32LittleEndian(info, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(4), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(0xc), ModuleCountOverride ?? (uint)Modules.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(0x10), Modules.Count > 0 || ModuleCountOverride.HasValue ? ModlistPaddr : 0);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(0x18), Cmdline is null ? 0 : CmdlineAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(0x20), RsdpAddress);
        if (Version >= 1)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(0x28), MemmapPaddr);
            BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(0x30), EntriesOverride ?? (uint)Map.Count);
        }

        memory.Add(InfoAddress, info);

        byte[] map = new byte[24 * Map.Count];
        for (int i = 0; i < Map.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(map.AsSpan(24 * i), Map[i].Base);
            BinaryPrimitives.WriteUInt64LittleEndian(map.AsSpan((24 * i) + 8), Map[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(map.AsSpan((24 * i) + 16), Map[i].Type);
        }

        memory.Add(MemmapAddress, map);

        if (Cmdline is not null)
        {
            memory.Add(CmdlineAddress, MultibootImage.CString(Cmdline));
        }

        if (Modules.Count > 0)
        {
            byte[] list = new byte[32 * Modules.Count];
            var strings = new List<byte>();
            for (int i = 0; i < Modules.Count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(list.AsSpan(32 * i), Modules[i].Start);
                BinaryPrimitives.WriteUInt64LittleEndian(list.AsSpan((32 * i) + 8), Modules[i].Size);
                if (Modules[i].Cmdline is { } cmd)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(list.AsSpan((32 * i) + 16), ModuleCmdlineAddress + (ulong)strings.Count);
                    strings.AddRange(MultibootImage.CString(cmd));
                }
            }

            memory.Add(ModlistAddress, list);
            memory.Add(ModuleCmdlineAddress, strings.ToArray());
        }

        return memory;
    }
}
