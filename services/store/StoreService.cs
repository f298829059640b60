using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Ipc;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Store;

/// <summary>The store service: serves <see cref="IStore"/> on every channel its start page
/// lists with this side as the server, one client per channel, from one loop. It sleeps in
/// wait(0) when every ring is idle, forgets a client whose peer closed (its objects,
/// references and subscriptions), rebuilds a channel the supervisor reconnected (a new
/// generation), and serves until the supervisor asks it to stop (ESHUTDOWN), clients or
/// not; its exit status is the number of clients that left.</summary>
internal static unsafe class StoreService
{
    private const int MaxEntries = 256;
    private const int MaxObjects = 64;
    private const int EventCapacity = 32;
    private const int MaxBody = 512;
    private const int MaxChannels = StartInfoLayout.MaxEntries;

    private static StoreTable s_table = null!;
    private static readonly StoreSession[] s_sessions = new StoreSession[MaxChannels];
    private static readonly StoreServedChannels<KernelWaiter> s_channels =
        new StoreServedChannels<KernelWaiter>(new SessionHandlers(), default, MaxChannels, MaxBody, MaxBody);
    /// <summary>services/NAME/* entries, refreshed each time the store wakes.</summary>
    private static ServiceFigureEntries? s_services;

    /// <summary>Clients connected now.</summary>
    internal static int ConnectedClients => s_channels.Connected;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        // klog calls the store when it starts: the store must never wait on klog.
        ServiceLog.NeverWait = true;
        s_table = new StoreTable(MaxEntries, MaxObjects, MaxChannels, EventCapacity);
        s_services = new ServiceFigureEntries(s_table, new ServiceInfoReader());
        s_services.Refresh();
        if (!StoreSelfEntries.Register(s_table, new ConnectedClientsSource(), null) || !KernelFigureEntries.Register(s_table, new KernelInfoReader()))
        {
            return Fail("cannot register its own entries"u8, -1);
        }

        Refresh();
        ServiceLog.Info("serving"u8);
        while (true)
        {
            // The last client to wake is woken with the wait (notify_wait(handle, 0)), so a
            // lone caller gets the CPU straight back; any others are notified at once.
            bool busy = s_channels.ServeAll(64, deferLastWake: true, out int corrupted);
            if (corrupted > 0)
            {
                ServiceLog.Warning("a client corrupted its rings; dropping it"u8);
            }

            if (busy)
            {
                continue;
            }

            if (!SleepUntilWork())
            {
                break;
            }
        }
        LogLine.Ended(s_channels.Left);
        return s_channels.Left;
    }

    /// <summary>Wakes the client whose reply is pending, announces sleeping on every served
    /// ring, blocks in wait(0) unless a request arrived meanwhile, and handles what woke it.
    /// False when the supervisor asked the store to stop (ESHUTDOWN): it serves until then,
    /// clients or not (a client may be restarted and reconnected at any time).</summary>
    private static bool SleepUntilWork()
    {
        if (ConnectedClients == 0)
        {
            s_channels.WakePending();
            // Nothing to wait on: sleep until a channel is granted or the stop comes.
            if (SystemCall.Sleep(10_000_000) == -Errno.ESHUTDOWN)
            {
                return false;
            }

            Refresh();
            s_services?.Refresh();
            return true;
        }
        if (s_channels.SleepUntilWork(0) == -Errno.ESHUTDOWN)
        {
            return false;
        }
        // A reconnected handle (new generation) or a newly granted channel is served again.
        Refresh();
        s_services?.Refresh();
        return true;
    }

    /// <summary>Starts serving server channels that are new in the start page or that the
    /// supervisor reconnected (their generation changed).</summary>
    private static void Refresh()
    {
        StartPageDirectory directory = default;
        s_channels.Refresh(ref directory);
    }

    /// <summary>One <see cref="StoreSession"/> per channel (client id = entry + 1); a client
    /// that goes loses its references and subscriptions.</summary>
    private sealed class SessionHandlers : IStoreHandlers
    {
        public IStore HandlerFor(int index) => s_sessions[index] ??= new StoreSession(s_table, index + 1);

        public void Dropped(int index) => s_table.DropClient(index + 1);
    }

    /// <summary><c>store/self/clients</c>: channels being served now.</summary>
    private sealed class ConnectedClientsSource : IStoreEntrySource
    {
        public StoreValue Get(System.Span<byte> text) => StoreValue.FromUnsigned((ulong)ConnectedClients);
        public bool TrySet(in StoreValue value) => false;
    }

    /// <summary><c>kernel/clock/uptime-ns</c>: nanoseconds since boot, from the clock system call.</summary>
    /// <summary>The kernel's per-service records through the service_info system call.</summary>
    private sealed class ServiceInfoReader : IServiceFigureReader
    {
        public bool TryRead(int index, System.Span<byte> record) =>
            SystemCall.ServiceInfo((ulong)index, record) == ServiceInfoLayout.Bytes;
    }

    /// <summary>The kernel's figures through the kernel_info system call.</summary>
    private sealed unsafe class KernelInfoReader : IKernelFigureReader
    {
        public bool TryRead(System.Span<ulong> figures)
        {
            System.Span<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(figures);
            return SystemCall.KernelInfo(bytes) == KernelFiguresLayout.Bytes;
        }
    }

    private static int Fail(System.ReadOnlySpan<byte> message, int status)
    {
        ServiceLog.Error(message);
        return status;
    }

    /// <summary>The end-of-run line, built in a stack buffer (the runtime's formatter writes the count).</summary>
    private static class LogLine
    {
        internal static void Ended(int clients)
        {
            byte* line = stackalloc byte[80];
            System.ReadOnlySpan<byte> head = "every client left ("u8;
            int n = 0;
            for (int i = 0; i < head.Length; i++)
            {
                line[n++] = head[i];
            }

            n += Microkernel.Text.IntegerFormatter.FormatDecimal((ulong)clients, new System.Span<byte>(line + n, 80 - n));
            System.ReadOnlySpan<byte> tail = " served), exiting"u8;
            for (int i = 0; i < tail.Length; i++)
            {
                line[n++] = tail[i];
            }

            ServiceLog.Info(new System.ReadOnlySpan<byte>(line, n));
        }
    }
}
