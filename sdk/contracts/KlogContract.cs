using System;
using Microkernel.Ipc;

namespace Microkernel.Services.Contracts;

/// <summary>klog: the system log. A service writes records (level, source, text, its own
/// per-source sequence number); klog merges them with the kernel's records into one
/// fixed-size ring and exports them on the second serial port. One channel is one
/// client. klog never makes a writer wait for the log: a full ring drops its oldest
/// record and counts it.</summary>
[IpcContract(0x4B4C4F47)]
public interface IKlog
{
    /// <summary>Logs one record. The reply says whether it was kept or filtered out
    /// (below the threshold set at run time through <c>klog/config/threshold</c>).</summary>
    [IpcMethod(1)]
    KlogWriteReply Write(in KlogWriteRequest request);
}

/// <summary>Severity of a record, lowest first (byte on the wire; the export frame's level).</summary>
public enum KlogLevel : byte
{
    /// <summary>Detail for developers.</summary>
    Debug = 0,
    /// <summary>Normal progress.</summary>
    Info = 1,
    /// <summary>Something is off but work goes on.</summary>
    Warning = 2,
    /// <summary>Something failed.</summary>
    Error = 3,
}

/// <summary>The outcome of a write (byte on the wire).</summary>
public enum KlogStatus : byte
{
    /// <summary>Kept in the ring, to be exported.</summary>
    Ok = 0,
    /// <summary>Below the threshold: counted, not kept.</summary>
    Filtered = 1,
    /// <summary>A level above Error.</summary>
    BadLevel = 2,
    /// <summary>Never sent by klog: the client helper's result when the write could not be
    /// made or answered (klog gone, ring corrupt, malformed reply).</summary>
    Unavailable = 255,
}

/// <summary>Write: one record.</summary>
[IpcMessage]
public ref partial struct KlogWriteRequest
{
    /// <summary>Severity.</summary>
    public KlogLevel Level;
    /// <summary>Who logs (UTF-8, cut to 32 bytes); empty means the channel's peer name.</summary>
    [Utf8]
    public ReadOnlySpan<byte> Source;
    /// <summary>The message (UTF-8, cut to 480 bytes).</summary>
    [Utf8]
    public ReadOnlySpan<byte> Text;
    /// <summary>The writer's own sequence number for this source, rising by one per record
    /// (0: none). klog counts a record whose number does not rise as an order violation.</summary>
    public ulong Sequence;
}

/// <summary>The answer to Write.</summary>
[IpcMessage]
public partial struct KlogWriteReply
{
    /// <summary>The outcome.</summary>
    public KlogStatus Status;
    /// <summary>Records klog's ring has dropped so far (all sources).</summary>
    public ulong Dropped;
}
