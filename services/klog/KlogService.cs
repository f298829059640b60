using System;
using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Ipc;
using Microkernel.Logging;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Klog;

/// <summary>The klog service: reads the kernel's record buffer (log_read, from sequence 0:
/// the early log), serves <see cref="IKlog"/> on every server channel its start page lists,
/// merges both into <see cref="KlogCore"/>'s ring and exports each record as a frame on the
/// second serial port (log_export); the records services send are also shown on the console
/// (<see cref="KlogConsoleMirror"/>, console_write). With a channel to the store it publishes
/// <c>klog/config/threshold</c> and <c>klog/config/console</c> and follows changes to them.</summary>
/// <remarks>
/// One loop, never blocking a writer: drain the kernel, serve up to
/// <see cref="ServeBudget"/> requests per channel, export up to <see cref="ExportBudget"/>
/// frames. A flood faster than the export drops the ring's oldest records, counted. When a
/// pass finds nothing to do it yields twice (a writer waiting for its answer runs), then
/// announces sleeping on every client's ring and waits on all its channels for at most
/// 10 ms: a client's write wakes it at once, and the timeout is for the kernel's buffer (the
/// kernel has no way to wake a reader when it logs, so that part is polled). About every
/// 100 ms it also probes its clients (a notify that fails with EPIPE: that client is gone)
/// and polls the store for configuration changes. When the supervisor asks it to stop
/// (ESHUTDOWN from the wait), it takes what is left in every ring and the kernel buffer,
/// exports everything, logs its figures and exits with the number of service records it
/// received.
/// </remarks>
internal static unsafe class KlogService
{
    /// <summary>Bytes of klog's ring (mapped once at start).</summary>
    private const int RingBytes = 256 * 1024;
    private const int ServeBudget = 64;
    private const int ExportBudget = 64;
    private const int MaxChannels = StartInfoLayout.MaxEntries;
    private const int ReadBytes = 16 * 1024;
    private const int ExportBytes = 4096;
    private const ulong SleepNs = 10_000_000;
    private const long HousekeepingNs = 100_000_000;
    private static ReadOnlySpan<byte> ThresholdEntry => "klog/config/threshold"u8;
    private static ReadOnlySpan<byte> ConsoleEntry => "klog/config/console"u8;

    private static KlogCore s_core = null!;
    private static KlogConsoleMirror s_mirror = null!;
    private static readonly KlogSession[] s_sessions = new KlogSession[MaxChannels];
    private static readonly KlogServedChannels<KernelWaiter> s_channels =
        new KlogServedChannels<KernelWaiter>(new SessionHandlers(), default, MaxChannels, ContractCalls.KlogMaxBody, 64);

    private static readonly byte[] s_read = new byte[ReadBytes];
    private static readonly byte[] s_export = new byte[ExportBytes];
    private static bool s_canRead = true, s_canExport = true, s_portAbsent;
    private static ulong s_exportedBytes;
    private static StoreCalls<KernelWaiter>? s_store;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        long ring = SystemCall.Map(0, RingBytes, 3, 0);
        if (ring < 0) { SystemCall.Log("cannot map its ring"u8, LogSeverity.Error); return -1; }
        s_core = new KlogCore((byte*)ring, RingBytes);
        s_mirror = new KlogConsoleMirror(new ConsoleLines());
        if (StartInfo.TryFindChannel("store"u8, out ChannelGrant store) && !store.IsServer)
        {
            SetUpConfig(in store);
        }

        Refresh();
        SystemCall.Log("serving"u8);

        int idle = 0;
        long housekept = -HousekeepingNs; // due at once
        while (true)
        {
            long now = SystemCall.ClockNanoseconds();
            bool busy = DrainKernel();
            busy |= ServeAll(now);
            busy |= Export(ExportBudget);
            if (busy) { idle = 0; continue; }
            if (idle++ < 2) { SystemCall.Yield(); continue; }
            if (now - housekept >= HousekeepingNs)
            {
                housekept = now;
                ProbeClients();
                PollConfig();
            }
            if (!SleepUntilWork())
            {
                break;
            }

            Refresh();
        }

        // Stopping: take what is left, then export all of it.
        // Bounded: a client that keeps writing after the stop must not keep klog alive.
        for (int pass = 0; pass < 1000 && ServeAll(SystemCall.ClockNanoseconds()); pass++) { }
        while (DrainKernel()) { }
        while (Export(int.MaxValue)) { }
        Report();
        KlogSourceFigures services = s_core.Totals(kernel: false);
        return (int)Math.Min(services.Received, (ulong)int.MaxValue);
    }

    /// <summary>Reads the kernel's records newer than the last one taken; true if any came.</summary>
    private static bool DrainKernel()
    {
        if (!s_canRead)
        {
            return false;
        }

        long n = SystemCall.LogRead(s_core.LastKernelSequence, s_read);
        if (n < 0)
        {
            s_canRead = false;
            SystemCall.Log("log_read refused (no log-read right?); kernel records will not be collected"u8, LogSeverity.Warning);
            return false;
        }
        var records = new ReadOnlySpan<byte>(s_read, 0, (int)n);
        int offset = KernelLogLayout.HeaderBytes;
        bool any = false;
        while (LogRecordRing.TryRead(records, ref offset, out LogRecordView record))
        {
            s_core.AcceptKernel(in record);
            any = true;
        }
        return any;
    }

    /// <summary>Announces sleeping on every client's request ring and waits on all channels
    /// for up to <see cref="SleepNs"/> unless a request is already there; a client that
    /// closed is dropped. False when the supervisor asked klog to stop.</summary>
    private static bool SleepUntilWork()
    {
        long woke = s_channels.SleepUntilWork(SleepNs);
        // No channel at all (an image without clients or store): plain sleep.
        if (woke == -Errno.EBADF)
        {
            woke = SystemCall.Sleep(SleepNs);
        }

        if (woke == -Errno.ESHUTDOWN)
        {
            return false;
        }

        return true;
    }

    /// <summary>Serves every client channel once; true if any request was served.</summary>
    private static bool ServeAll(long now)
    {
        s_core.NowNs = now < 0 ? 0 : (ulong)now;
        // Each client is woken as soon as its replies are out (a gone one is dropped): klog
        // has more to do before it sleeps (export, the kernel's buffer).
        bool busy = s_channels.ServeAll(ServeBudget, deferLastWake: false, out int corrupted);
        if (corrupted > 0)
        {
            SystemCall.Log("a client corrupted its rings; dropping it"u8, LogSeverity.Warning);
        }

        return busy;
    }

    /// <summary>Exports up to <paramref name="budget"/> records, a buffer of frames per
    /// log_export call; true if any record left the ring.</summary>
    private static bool Export(int budget)
    {
        int used = 0, frames = 0;
        while (frames < budget)
        {
            if (ExportBytes - used < KlogFrame.MaxFrameBytes)
            {
                Send(used);
                used = 0;
            }
            int length = s_core.ExportNext(new Span<byte>(s_export, used, ExportBytes - used));
            if (length == 0)
            {
                break;
            }

            used += length;
            frames++;
        }
        if (used > 0)
        {
            Send(used);
        }

        return frames > 0;
    }

    private static void Send(int length)
    {
        if (!s_canExport)
        {
            return;
        }

        long written = SystemCall.LogExport(new ReadOnlySpan<byte>(s_export, 0, length));
        if (written < 0)
        {
            s_canExport = false;
            SystemCall.Log("log_export refused (no log-export right?); records are counted, not exported"u8, LogSeverity.Warning);
        }
        else if (written == 0)
        {
            s_portAbsent = true;
        }
        else
        {
            s_exportedBytes += (ulong)written;
        }
    }

    /// <summary>Starts serving server channels new in the start page or reconnected by the
    /// supervisor (a new generation), as the store does.</summary>
    private static void Refresh()
    {
        StartPageDirectory directory = default;
        s_channels.Refresh(ref directory);
    }

    /// <summary>One <see cref="KlogSession"/> per channel, named after its peer.</summary>
    private sealed class SessionHandlers : IKlogHandlers
    {
        public IKlog HandlerFor(int index)
        {
            KlogSession session = s_sessions[index] ??= new KlogSession(s_core, s_mirror);
            session.SetPeer(StartInfo.PeerName(index));
            return session;
        }

        public void Dropped(int index) { }
    }

    /// <summary>Finds clients that left while idle: notify fails with EPIPE once the peer
    /// closed (a live client only sees one spurious wake-up, which its wait loop absorbs).</summary>
    private static void ProbeClients() => s_channels.ProbeClients();

    /// <summary>Publishes <c>klog/config/threshold</c> and <c>klog/config/console</c>
    /// (unsigned, writable by anyone) and subscribes to them. Without a store both stay at
    /// info.</summary>
    private static void SetUpConfig(in ChannelGrant grant)
    {
        StoreCalls<KernelWaiter> store = ContractCalls.Store(in grant);
        StoreStatus created = Status(store.CreateObject(new StoreNameRequest { Name = "klog/config"u8 }, out StoreStatusReply reply), reply.Status);
        if (created != StoreStatus.Ok) { SystemCall.Log("cannot create klog/config in the store"u8, LogSeverity.Warning); return; }
        // Bounded: the store itself refuses a level that does not exist (Rejected).
        if (Register(store, ThresholdEntry, s_core.Threshold, (ulong)KlogLevel.Error) != StoreStatus.Ok
            || Register(store, ConsoleEntry, s_mirror.Threshold, KlogConsoleMirror.Off) != StoreStatus.Ok
            || Status(store.Subscribe(new StoreNameRequest { Name = "klog/config/"u8 }, out reply), reply.Status) != StoreStatus.Ok)
        {
            SystemCall.Log("cannot publish klog/config/threshold"u8, LogSeverity.Warning);
            return;
        }
        s_store = store;
    }

    /// <summary>Applies queued changes of the threshold entry; a value above 3 (error) is
    /// refused by setting the entry back.</summary>
    private static void PollConfig()
    {
        StoreCalls<KernelWaiter>? store = s_store;
        if (store == null)
        {
            return;
        }

        for (int n = 0; n < 8; n++)
        {
            // The event's name and value point into the reply ring: used before the next call.
            if (!store.PollEvents(new StorePollRequest(), out StoreEventReply changed) || changed.Status != StoreStatus.Ok)
            {
                if (store.IsBroken) { s_store = null; SystemCall.Log("the store is gone; the threshold stays as it is"u8, LogSeverity.Warning); }
                return;
            }
            if (!changed.Found)
            {
                return;
            }

            if (changed.Kind != StoreEventKind.Changed)
            {
                continue;
            }

            if (changed.Name.SequenceEqual(ConsoleEntry))
            {
                ApplyConsoleThreshold(store, changed.Value.Type, changed.Value.Unsigned);
                continue;
            }
            if (!changed.Name.SequenceEqual(ThresholdEntry))
            {
                continue;
            }

            if (changed.Value.Type == StoreType.Unsigned && changed.Value.Unsigned <= (ulong)KlogLevel.Error)
            {
                ulong level = changed.Value.Unsigned;
                if (s_core.Threshold == (byte)level)
                {
                    continue;
                }

                s_core.Threshold = (byte)level;
                var line = new Line();
                line.Add("threshold now "u8);
                line.Number(level);
                line.Log();
            }
            else
            {
                Set(store, ThresholdEntry, s_core.Threshold);
            }
        }
    }

    /// <summary>Applies a change of <c>klog/config/console</c>: 0..3 is the lowest level shown,
    /// 4 shows nothing; anything else is set back.</summary>
    private static void ApplyConsoleThreshold(StoreCalls<KernelWaiter> store, StoreType type, ulong value)
    {
        if (type != StoreType.Unsigned || value > KlogConsoleMirror.Off)
        {
            Set(store, ConsoleEntry, s_mirror.Threshold);
            return;
        }
        if (s_mirror.Threshold == (byte)value)
        {
            return;
        }

        s_mirror.Threshold = (byte)value;
        var line = new Line();
        line.Add("console threshold now "u8);
        line.Number(value);
        line.Log();
    }

    /// <summary>Registers an unsigned entry of klog/config, writable by anyone, bounded to
    /// [debug, <paramref name="maximum"/>] by the store itself.</summary>
    private static StoreStatus Register(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> name, ulong value, ulong maximum)
    {
        var request = new StoreRegisterRequest
        {
            Name = name,
            Value = StoreValues.Unsigned(value),
            Writable = true,
            Minimum = StoreValues.Unsigned((ulong)KlogLevel.Debug),
            Maximum = StoreValues.Unsigned(maximum),
        };
        return Status(store.Register(in request, out StoreStatusReply reply), reply.Status);
    }

    /// <summary>Sets an unsigned entry (back to klog's own value).</summary>
    private static void Set(StoreCalls<KernelWaiter> store, ReadOnlySpan<byte> name, ulong value) =>
        store.Set(new StoreSetRequest { Name = name, Value = StoreValues.Unsigned(value) }, out _);

    /// <summary>A store call's outcome: the reply's status, or Unavailable when there was no reply.</summary>
    private static StoreStatus Status(bool answered, StoreStatus status) => answered ? status : StoreStatus.Unavailable;

    /// <summary>The closing figures, one log line for the services' records and one for the kernel's.</summary>
    private static void Report()
    {
        KlogSourceFigures s = s_core.Totals(kernel: false);
        var line = new Line();
        line.Add("service records received="u8); line.Number(s.Received);
        line.Add(" exported="u8); line.Number(s.Exported);
        line.Add(" dropped="u8); line.Number(s.Dropped);
        line.Add(" filtered="u8); line.Number(s.Filtered);
        line.Add(" order-violations="u8); line.Number(s_core.OrderViolations);
        line.Add(" gaps="u8); line.Number(s_core.SequenceGaps);
        line.Add(" accounting-errors="u8); line.Number(s_core.AccountingErrors);
        line.Add(" sources="u8); line.Number((ulong)s.Sources);
        line.Add(" shown="u8); line.Number(s_mirror.Shown);
        line.Log();
        KlogSourceFigures k = s_core.Totals(kernel: true);
        line = new Line();
        line.Add("kernel records received="u8); line.Number(k.Received);
        line.Add(" exported="u8); line.Number(k.Exported);
        line.Add(" dropped="u8); line.Number(k.Dropped);
        line.Add(" kernel-lost="u8); line.Number(s_core.KernelLost);
        line.Add(" clients-left="u8); line.Number((ulong)s_channels.Left);
        line.Add(s_portAbsent ? " port=absent bytes="u8 : " port=com2 bytes="u8); line.Number(s_exportedBytes);
        line.Log();
    }

    /// <summary>The console behind the mirror: console_write, which needs the console right.</summary>
    private sealed class ConsoleLines : IConsoleLines
    {
        public bool WriteLine(ReadOnlySpan<byte> line)
        {
            if (SystemCall.ConsoleWrite(line) >= 0)
            {
                return true;
            }

            SystemCall.Log("console_write refused (no console right?); service records are not shown on the console"u8, LogSeverity.Warning);
            return false;
        }
    }

    /// <summary>A log line built on the stack (no formatting support in the image).</summary>
    private struct Line
    {
        private const int Capacity = 200;
        private fixed byte _bytes[Capacity];
        private int _length;

        internal void Add(ReadOnlySpan<byte> text)
        {
            for (int i = 0; i < text.Length && _length < Capacity; i++)
            {
                _bytes[_length++] = text[i];
            }
        }

        internal void Number(ulong value)
        {
            byte* digits = stackalloc byte[20];
            int n = 0;
            do { digits[n++] = (byte)('0' + value % 10); value /= 10; } while (value != 0);
            while (n > 0 && _length < Capacity)
            {
                _bytes[_length++] = digits[--n];
            }
        }

        internal void Log()
        {
            fixed (byte* p = _bytes)
            {
                SystemCall.Log(new ReadOnlySpan<byte>(p, _length));
            }
        }
    }
}
