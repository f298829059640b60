using System;
using System.Runtime.InteropServices;

namespace Microkernel.Process;

/// <summary>The service ELFs this kernel image carries (build/mk/services.mk packs them in).</summary>
internal static unsafe class ServiceImages
{
    [DllImport("*", EntryPoint = "mk_service_table_info"), SuppressGCTransition]
    private static extern void TableInfo(ulong* table, ulong* count);

    [DllImport("*", EntryPoint = "mk_manifest_info"), SuppressGCTransition]
    private static extern void ManifestInfo(ulong* address, ulong* length);

    /// <summary>The image's compiled manifest (MessagePack, written by <c>./mk compose</c>
    /// from images/NAME.yaml); empty when the image carries none.</summary>
    internal static System.ReadOnlySpan<byte> Manifest
    {
        get
        {
            ulong address, length;
            ManifestInfo(&address, &length);
            return new System.ReadOnlySpan<byte>((void*)address, (int)length);
        }
    }

    /// <summary>The index of the carried service called <paramref name="name"/>, or -1.</summary>
    internal static int Find(System.ReadOnlySpan<byte> name)
    {
        int count = Count;
        for (int i = 0; i < count; i++)
        {
            Get(i, out System.ReadOnlySpan<byte> candidate, out _);
            if (candidate.SequenceEqual(name))
            {
                return i;
            }
        }
        return -1;
    }

#pragma warning disable CS0649 // written by build/mk/services.mk's generated table, read here
    private struct Entry
    {
        internal byte* Name;
        internal ulong NameLength;
        internal byte* Elf;
        internal ulong ElfLength;
    }
#pragma warning restore CS0649

    /// <summary>Number of carried services.</summary>
    internal static int Count
    {
        get
        {
            ulong table, count;
            TableInfo(&table, &count);
            return (int)count;
        }
    }

    /// <summary>The name and ELF bytes of service <paramref name="index"/>.</summary>
    internal static void Get(int index, out System.ReadOnlySpan<byte> name, out System.ReadOnlySpan<byte> elf)
    {
        ulong table, count;
        TableInfo(&table, &count);
        Entry* entry = (Entry*)table + index;
        name = new System.ReadOnlySpan<byte>(entry->Name, (int)entry->NameLength);
        elf = new System.ReadOnlySpan<byte>(entry->Elf, (int)entry->ElfLength);
    }
}
