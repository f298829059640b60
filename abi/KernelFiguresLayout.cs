namespace Microkernel.Abi;

/// <summary>What kernel_info writes: consecutive little-endian u64 figures, in this
/// order (a later version only appends). The store publishes them as kernel/* entries.</summary>
public static class KernelFiguresLayout
{
    /// <summary>Index of each u64 in the buffer.</summary>
    public const int UptimeNanoseconds = 0, MemoryTotalKib = 1, MemoryFreeKib = 2, ProcessesLive = 3,
        ProcessesCreated = 4, ContextSwitches = 5, HandOffs = 6, SystemCalls = 7, Interrupts = 8,
        TimerTicks = 9, ChannelsCreated = 10, LogRecords = 11, LogDropped = 12;
    /// <summary>Figures in this version.</summary>
    public const int Count = 13;
    /// <summary>Bytes kernel_info writes (at most).</summary>
    public const int Bytes = Count * 8;
}

/// <summary>What service_info writes for one service (little endian):
/// u32 starts | u32 ends | i64 last exit status | u32 running processes | u32 name length | name[32].</summary>
public static class ServiceInfoLayout
{
    /// <summary>Offsets.</summary>
    public const int Starts = 0, Ends = 4, LastStatus = 8, Running = 16, NameLength = 20, Name = 24;
    /// <summary>Bytes of a name field.</summary>
    public const int NameBytes = 32;
    /// <summary>Bytes written.</summary>
    public const int Bytes = Name + NameBytes;
}

/// <summary>What log_read writes: a header, then whole records, each 8-byte aligned.</summary>
/// <remarks><code>
/// header: u64 dropped (records the kernel overwrote before anyone read them, total)
///         u64 next sequence (the sequence the kernel will give its next record)
/// record: u64 sequence | u64 time_ns | u16 cpu | u8 level (0 debug .. 3 error)
///         | u8 source length | u16 text length | u16 reserved | source | text | pad to 8
/// </code></remarks>
public static class KernelLogLayout
{
    /// <summary>Bytes of the header.</summary>
    public const int HeaderBytes = 16;
    /// <summary>Bytes of a record's fixed part.</summary>
    public const int RecordFixedBytes = 24;
}
