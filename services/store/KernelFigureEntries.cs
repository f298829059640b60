using System;
using Microkernel.Abi;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>Reads the kernel's figures (in the service: the kernel_info system call;
/// in tests: a fake). Fills <paramref name="figures"/> in abi/KernelFiguresLayout order.</summary>
public interface IKernelFigureReader
{
    /// <summary>False when the kernel did not answer (then nothing is published).</summary>
    bool TryRead(Span<ulong> figures);
}

/// <summary>The kernel's figures as read-only computed store entries under
/// <c>kernel/...</c>: each get reads them afresh through an <see cref="IKernelFigureReader"/>,
/// so a client always sees the current value (no cached copy to go stale).</summary>
public static class KernelFigureEntries
{
    /// <summary>Entry names, indexed like abi/KernelFiguresLayout.</summary>
    public static ReadOnlySpan<byte> NameOf(int figure) => figure switch
    {
        KernelFiguresLayout.UptimeNanoseconds => "kernel/clock/uptime-ns"u8,
        KernelFiguresLayout.MemoryTotalKib => "kernel/memory/total-kib"u8,
        KernelFiguresLayout.MemoryFreeKib => "kernel/memory/free-kib"u8,
        KernelFiguresLayout.ProcessesLive => "kernel/proc/live"u8,
        KernelFiguresLayout.ProcessesCreated => "kernel/proc/created"u8,
        KernelFiguresLayout.ContextSwitches => "kernel/sched/switches"u8,
        KernelFiguresLayout.HandOffs => "kernel/sched/hand-offs"u8,
        KernelFiguresLayout.SystemCalls => "kernel/syscall/calls"u8,
        KernelFiguresLayout.Interrupts => "kernel/irq/count"u8,
        KernelFiguresLayout.TimerTicks => "kernel/timer/ticks"u8,
        KernelFiguresLayout.ChannelsCreated => "kernel/ipc/channels"u8,
        KernelFiguresLayout.LogRecords => "kernel/log/records"u8,
        KernelFiguresLayout.LogDropped => "kernel/log/dropped"u8,
        _ => default,
    };

    /// <summary>Registers one entry per figure; false if any registration failed.</summary>
    public static bool Register(StoreTable table, IKernelFigureReader reader)
    {
        bool ok = true;
        for (int figure = 0; figure < KernelFiguresLayout.Count; figure++)
        {
            ok &= table.RegisterStaticSource(NameOf(figure), StoreType.Unsigned, new Figure(reader, figure), writable: false) == StoreStatus.Ok;
        }

        return ok;
    }

    private sealed class Figure : IStoreEntrySource
    {
        private readonly IKernelFigureReader _reader;
        private readonly int _index;

        internal Figure(IKernelFigureReader reader, int index)
        {
            _reader = reader;
            _index = index;
        }

        public StoreValue Get(Span<byte> text)
        {
            Span<ulong> figures = stackalloc ulong[KernelFiguresLayout.Count];
            return StoreValue.FromUnsigned(_reader.TryRead(figures) ? figures[_index] : 0);
        }

        public bool TrySet(in StoreValue value) => false;
    }
}
