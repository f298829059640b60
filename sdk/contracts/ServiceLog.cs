using System;
using Microkernel.Abi;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts;

/// <summary>How a service logs: over its channel to klog when the manifest gave it one
/// (<c>channels: - to: klog</c>), else, and whenever klog cannot take the record, through
/// the kernel's log system call. Either way the record reaches klog with the service's name
/// as its source, and the console shows <c>[info] NAME: text</c> (klog mirrors what it is
/// sent; the kernel prints what it is given).</summary>
/// <remarks>
/// One blocking write per line: logging is rare in a service, and a write that returns
/// means klog has the record (it never blocks on the log itself: a full ring drops its
/// oldest). The writer is made on first use and made again when the supervisor reconnects
/// the channel after a klog restart (the start page's generation changes). A write klog did
/// not answer goes to the kernel too, so a record is never lost; at worst, when klog died
/// after taking it, it is logged twice. A service klog depends on (the store, which klog
/// calls when it starts; the supervisor, which starts and stops klog) sets
/// <see cref="NeverWait"/>: its records are posted and never waited for (up to 32 in
/// flight; the kernel takes the rest).
/// </remarks>
public static class ServiceLog
{
    private static KlogWindow? s_writer;
    private static ulong s_handle;
    private static uint s_generation;
    private static ulong s_sequence;

    /// <summary>Post records without waiting for klog's answers (set once, before the
    /// first record), for services klog itself waits on.</summary>
    public static bool NeverWait;

    /// <summary>Records sent to klog and answered.</summary>
    public static ulong SentToKlog { get; private set; }
    /// <summary>Records that went through the kernel instead.</summary>
    public static ulong SentToKernel { get; private set; }

    /// <summary>Logs at debug.</summary>
    public static void Debug(ReadOnlySpan<byte> text) => Write(KlogLevel.Debug, text);
    /// <summary>Logs at info.</summary>
    public static void Info(ReadOnlySpan<byte> text) => Write(KlogLevel.Info, text);
    /// <summary>Logs at warning.</summary>
    public static void Warning(ReadOnlySpan<byte> text) => Write(KlogLevel.Warning, text);
    /// <summary>Logs at error.</summary>
    public static void Error(ReadOnlySpan<byte> text) => Write(KlogLevel.Error, text);

    /// <summary>Logs one line (cut to 480 bytes over IPC, 200 through the kernel).</summary>
    public static void Write(KlogLevel level, ReadOnlySpan<byte> text)
    {
        if (level > KlogLevel.Error)
        {
            level = KlogLevel.Error;
        }

        KlogWindow? writer = Writer();
        if (writer != null)
        {
            ulong sequence = ++s_sequence;
            bool sent = NeverWait
                ? writer.TryPostWithoutWaiting(level, ReadOnlySpan<byte>.Empty, text, sequence)
                : writer.Write(level, ReadOnlySpan<byte>.Empty, text, sequence) != KlogStatus.Unavailable;
            if (sent)
            {
                SentToKlog++;
                return;
            }
        }
        SentToKernel++;
        SystemCall.Log(text.Length > KernelLineBytes ? text.Slice(0, KernelLineBytes) : text, (LogSeverity)(byte)level);
    }

    /// <summary>The longest line the kernel's log call takes.</summary>
    private const int KernelLineBytes = 200;

    /// <summary>The writer over the current klog channel, or null without one (or with a
    /// broken one that the supervisor has not reconnected yet).</summary>
    private static KlogWindow? Writer()
    {
        if (!StartInfo.TryFindChannel("klog"u8, out ChannelGrant grant) || grant.IsServer)
        {
            return null;
        }

        if (s_writer == null || grant.Handle != s_handle || grant.Generation != s_generation)
        {
            s_writer = new KlogWindow(in grant, window: NeverWait ? 32 : 1);
            s_handle = grant.Handle;
            s_generation = grant.Generation;
        }
        return s_writer.IsBroken ? null : s_writer;
    }
}
