namespace Microkernel.Abi;

/// <summary>The start page: one read-only page the kernel maps into every service at
/// <see cref="Address"/> and fills as the supervisor grants it channels. It is how a
/// service finds its channels by its peers' names, how many times it was restarted,
/// and (for the supervisor) where the image's manifest is.</summary>
/// <remarks>
/// Layout (little endian), one definition for the kernel (writer) and userlib (reader):
/// <code>
///   0  u32 magic 'MKSP'        4  u32 version
///   8  u32 restarts           12  u32 channel count
///  16  u64 manifest address   24  u64 manifest length
///  32  u32 pid                36  u32 flags (bit 0: supervisor)
///  40  name[32], NUL padded
/// 128  channel entries, <see cref="EntryBytes"/> each:
///      0 u64 handle  8 u64 ring region address  16 u32 side (0 client, 1 server)
///      20 u32 ring region bytes  24 u32 reply ring offset  28 u32 generation
///      32 peer name[32], NUL padded
/// </code>
/// A service reads it only through userlib's StartInfo, which checks the magic,
/// version and every count against the page's size (the page is the kernel's, but a
/// reader that trusts nothing costs nothing).
/// </remarks>
public static class StartInfoLayout
{
    /// <summary>Where the page is mapped in every service.</summary>
    public const ulong Address = 0x0000_0080_3FFF_0000UL;
    /// <summary>'MKSP' read as a little-endian u32.</summary>
    public const uint Magic = 0x50534B4D;
    /// <summary>Layout version.</summary>
    public const uint Version = 1;
    /// <summary>Offsets of the header fields.</summary>
    public const int RestartsOffset = 8, ChannelCountOffset = 12, ManifestAddressOffset = 16,
        ManifestLengthOffset = 24, PidOffset = 32, FlagsOffset = 36, NameOffset = 40;
    /// <summary>Bytes of a name field (service or peer), NUL padded.</summary>
    public const int NameBytes = 32;
    /// <summary>Where the channel entries start.</summary>
    public const int EntriesOffset = 128;
    /// <summary>Bytes per channel entry.</summary>
    public const int EntryBytes = 64;
    /// <summary>Offsets inside an entry.</summary>
    public const int EntryHandle = 0, EntryAddress = 8, EntrySide = 16, EntryRingBytes = 20,
        EntryReplyOffset = 24, EntryGeneration = 28, EntryPeerName = 32;
    /// <summary>Entries that fit in the page.</summary>
    public const int MaxEntries = (4096 - EntriesOffset) / EntryBytes;
    /// <summary>Flag bit: this process is the supervisor.</summary>
    public const uint FlagSupervisor = 1;
}
