using System;
using Microkernel.Abi;
using Microkernel.Services.Contracts;
using Microkernel.Services.Store;
using Xunit;

namespace Microkernel.Store.Tests;

/// <summary>The kernel's figures as store entries: every figure has a three-part name,
/// each get reads afresh, none can be set, and a reader that fails publishes 0.</summary>
public class KernelFigureEntriesTests
{
    private sealed class FakeKernel : IKernelFigureReader
    {
        public ulong Base = 1000;
        public bool Answers = true;
        public int Reads;

        public bool TryRead(Span<ulong> figures)
        {
            Reads++;
            if (!Answers)
            {
                return false;
            }

            for (int i = 0; i < figures.Length; i++)
            {
                figures[i] = Base + (ulong)i;
            }

            return true;
        }
    }

    [Fact]
    public void Every_figure_is_a_live_read_only_entry()
    {
        var table = new StoreTable(64, 8, 4, 8);
        var kernel = new FakeKernel();
        Assert.True(KernelFigureEntries.Register(table, kernel));
        for (int figure = 0; figure < KernelFiguresLayout.Count; figure++)
        {
            ReadOnlySpan<byte> name = KernelFigureEntries.NameOf(figure);
            Assert.True(StoreNames.IsEntryName(name), System.Text.Encoding.ASCII.GetString(name));
            Assert.Equal(StoreStatus.Ok, table.Get(name, out StoreValue value));
            Assert.Equal(1000UL + (ulong)figure, value.Unsigned);
            Assert.Equal(StoreStatus.ReadOnly, table.Set(0, name, StoreValue.FromUnsigned(5)));
        }
        kernel.Base = 2000;
        Assert.Equal(StoreStatus.Ok, table.Get("kernel/memory/free-kib"u8, out StoreValue later));
        Assert.Equal(2000UL + KernelFiguresLayout.MemoryFreeKib, later.Unsigned);
        kernel.Answers = false;
        Assert.Equal(StoreStatus.Ok, table.Get("kernel/proc/live"u8, out StoreValue none));
        Assert.Equal(0UL, none.Unsigned);
    }
}
