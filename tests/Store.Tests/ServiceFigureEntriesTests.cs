using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using Microkernel.Abi;
using Microkernel.Services.Contracts;
using Microkernel.Services.Store;
using Xunit;

namespace Microkernel.Store.Tests;

/// <summary>Per-service figures: entries appear as the kernel reports new services, read
/// live, cannot be set.</summary>
public class ServiceFigureEntriesTests
{
    private sealed class FakeKernel : IServiceFigureReader
    {
        public readonly List<(string Name, uint Starts, long Last, uint Running)> Services = new();

        public bool TryRead(int index, Span<byte> record)
        {
            if (index >= Services.Count)
            {
                return false;
            }

            record.Clear();
            (string Name, uint Starts, long Last, uint Running) s = Services[index];
            BinaryPrimitives.WriteUInt32LittleEndian(record.Slice(ServiceInfoLayout.Starts), s.Starts);
            BinaryPrimitives.WriteInt64LittleEndian(record.Slice(ServiceInfoLayout.LastStatus), s.Last);
            BinaryPrimitives.WriteUInt32LittleEndian(record.Slice(ServiceInfoLayout.Running), s.Running);
            record[ServiceInfoLayout.NameLength] = (byte)s.Name.Length;
            Encoding.ASCII.GetBytes(s.Name).CopyTo(record.Slice(ServiceInfoLayout.Name));
            return true;
        }
    }

    private static string Text(StoreTable table, string name)
    {
        Assert.Equal(StoreStatus.Ok, table.Get(Encoding.ASCII.GetBytes(name), out StoreValue value));
        return Encoding.ASCII.GetString(value.Text);
    }

    private static ulong Unsigned(StoreTable table, string name)
    {
        Assert.Equal(StoreStatus.Ok, table.Get(Encoding.ASCII.GetBytes(name), out StoreValue value));
        return value.Unsigned;
    }

    [Fact]
    public void New_services_appear_on_refresh_and_read_live()
    {
        var table = new StoreTable(64, 8, 4, 8);
        var kernel = new FakeKernel();
        kernel.Services.Add(("store", 1, 0, 1));
        var entries = new ServiceFigureEntries(table, kernel);
        Assert.Equal(1, entries.Refresh());
        Assert.Equal("running", Text(table, "services/store/state"));
        Assert.Equal(StoreStatus.UnknownName, table.Get("services/crasher/state"u8, out _));

        kernel.Services.Add(("crasher", 1, -65550, 0));
        Assert.Equal(1, entries.Refresh());
        Assert.Equal(0, entries.Refresh());
        Assert.Equal("ended", Text(table, "services/crasher/state"));
        Assert.Equal(0UL, Unsigned(table, "services/crasher/restarts"));

        kernel.Services[1] = ("crasher", 4, 3, 0);
        Assert.Equal(3UL, Unsigned(table, "services/crasher/restarts"));
        Assert.Equal(StoreStatus.Ok, table.Get("services/crasher/last-status"u8, out StoreValue last));
        Assert.Equal(3L, last.Signed);
        Assert.Equal(StoreStatus.ReadOnly, table.Set(1, "services/crasher/starts"u8, StoreValue.FromUnsigned(9)));
    }
}
