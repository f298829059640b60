using System;
using Microkernel.Abi;

namespace Microkernel.UserRuntime;

/// <summary>One channel end this service was granted, as its start page lists it.</summary>
public readonly unsafe struct ChannelGrant
{
    /// <summary>The handle for wait/notify/close.</summary>
    public readonly ulong Handle;
    /// <summary>Where the request ring's region starts (the reply ring follows).</summary>
    public readonly byte* Region;
    /// <summary>Bytes of each ring's region (SpscRing.RequiredBytes of its capacity).</summary>
    public readonly int RingBytes;
    /// <summary>Offset of the reply ring's region from <see cref="Region"/>.</summary>
    public readonly int ReplyOffset;
    /// <summary>True for the server end (consumes requests, produces replies).</summary>
    public readonly bool IsServer;
    /// <summary>Bumped each time the supervisor reconnects this handle to a fresh channel.</summary>
    public readonly uint Generation;

    internal ChannelGrant(ulong handle, byte* region, int ringBytes, int replyOffset, bool isServer, uint generation)
    {
        Handle = handle;
        Region = region;
        RingBytes = ringBytes;
        ReplyOffset = replyOffset;
        IsServer = isServer;
        Generation = generation;
    }

    /// <summary>The request ring's region.</summary>
    public byte* RequestRing => Region;
    /// <summary>The reply ring's region.</summary>
    public byte* ReplyRing => Region + ReplyOffset;
}

/// <summary>Reads the start page the kernel maps at <see cref="StartInfoLayout.Address"/>
/// (layout in abi/StartInfoLayout.cs): restarts, pid, channels by peer name, and for the
/// supervisor the image manifest. Every count and offset is checked against the page.</summary>
public static unsafe class StartInfo
{
    private static byte* Page => (byte*)StartInfoLayout.Address;

    /// <summary>True when the page carries the expected magic and version.</summary>
    public static bool IsValid => *(uint*)Page == StartInfoLayout.Magic && *(uint*)(Page + 4) == StartInfoLayout.Version;

    /// <summary>How many times the supervisor restarted this service before this run.</summary>
    public static ulong RestartCount => IsValid ? *(uint*)(Page + StartInfoLayout.RestartsOffset) : 0;

    /// <summary>This process's id.</summary>
    public static int Pid => IsValid ? (int)*(uint*)(Page + StartInfoLayout.PidOffset) : 0;

    /// <summary>True for the supervisor.</summary>
    public static bool IsSupervisor => IsValid && (*(uint*)(Page + StartInfoLayout.FlagsOffset) & StartInfoLayout.FlagSupervisor) != 0;

    /// <summary>Channels listed (granted so far; the list only grows).</summary>
    public static int ChannelCount
    {
        get
        {
            if (!IsValid)
            {
                return 0;
            }

            uint count = *(uint*)(Page + StartInfoLayout.ChannelCountOffset);
            return count > StartInfoLayout.MaxEntries ? StartInfoLayout.MaxEntries : (int)count;
        }
    }

    /// <summary>The image manifest (supervisor only; empty otherwise).</summary>
    public static System.ReadOnlySpan<byte> Manifest
    {
        get
        {
            if (!IsValid)
            {
                return default;
            }

            ulong address = *(ulong*)(Page + StartInfoLayout.ManifestAddressOffset);
            ulong length = *(ulong*)(Page + StartInfoLayout.ManifestLengthOffset);
            if (address == 0 || length == 0 || length > 1 << 20)
            {
                return default;
            }

            return new System.ReadOnlySpan<byte>((void*)address, (int)length);
        }
    }

    /// <summary>Entry <paramref name="index"/> of the channel list.</summary>
    public static bool TryGetChannel(int index, out ChannelGrant grant)
    {
        grant = default;
        if ((uint)index >= (uint)ChannelCount)
        {
            return false;
        }

        byte* e = Page + StartInfoLayout.EntriesOffset + index * StartInfoLayout.EntryBytes;
        grant = new ChannelGrant(*(ulong*)(e + StartInfoLayout.EntryHandle), (byte*)*(ulong*)(e + StartInfoLayout.EntryAddress),
            (int)*(uint*)(e + StartInfoLayout.EntryRingBytes), (int)*(uint*)(e + StartInfoLayout.EntryReplyOffset),
            *(uint*)(e + StartInfoLayout.EntrySide) == 1, *(uint*)(e + StartInfoLayout.EntryGeneration));
        return grant.Handle != 0;
    }

    /// <summary>The channel whose peer is called <paramref name="peer"/> (the first, if several).</summary>
    public static bool TryFindChannel(System.ReadOnlySpan<byte> peer, out ChannelGrant grant)
    {
        grant = default;
        for (int i = 0; i < ChannelCount; i++)
        {
            if (PeerName(i).SequenceEqual(peer) && TryGetChannel(i, out grant))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The peer's name of entry <paramref name="index"/>.</summary>
    public static System.ReadOnlySpan<byte> PeerName(int index)
    {
        if ((uint)index >= (uint)ChannelCount)
        {
            return default;
        }

        return NameAt(Page + StartInfoLayout.EntriesOffset + index * StartInfoLayout.EntryBytes + StartInfoLayout.EntryPeerName);
    }

    /// <summary>This service's own name.</summary>
    public static System.ReadOnlySpan<byte> Name => IsValid ? NameAt(Page + StartInfoLayout.NameOffset) : default;

    private static System.ReadOnlySpan<byte> NameAt(byte* field)
    {
        int n = 0;
        while (n < StartInfoLayout.NameBytes && field[n] != 0)
        {
            n++;
        }

        return new System.ReadOnlySpan<byte>(field, n);
    }
}
