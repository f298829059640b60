using System;
using Microkernel.Abi;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>Reads what the kernel knows of its services (in the service: the
/// service_info system call; in tests: a fake), in abi/ServiceInfoLayout.</summary>
public interface IServiceFigureReader
{
    /// <summary>Record <paramref name="index"/> into <paramref name="record"/>
    /// (<see cref="ServiceInfoLayout.Bytes"/>); false past the last.</summary>
    bool TryRead(int index, Span<byte> record);
}

/// <summary>Per-service figures as read-only computed entries, one group per service
/// the kernel has started: <c>services/NAME/state</c> (running or ended),
/// <c>services/NAME/starts</c>, <c>services/NAME/restarts</c> (starts - 1) and
/// <c>services/NAME/last-status</c>. New services get their entries on the next
/// <see cref="Refresh"/> (the store calls it each time it wakes); each get reads afresh.</summary>
public sealed class ServiceFigureEntries
{
    private const int MaxServices = 32;
    private readonly StoreTable _table;
    private readonly IServiceFigureReader _reader;
    private int _known;

    /// <summary>Publishes into <paramref name="table"/> what <paramref name="reader"/> reports.</summary>
    public ServiceFigureEntries(StoreTable table, IServiceFigureReader reader)
    {
        _table = table;
        _reader = reader;
    }

    /// <summary>Services published so far.</summary>
    public int Known => _known;

    /// <summary>Registers entries for services the kernel started since the last call.
    /// Returns how many services were added (a name that is not a valid store segment,
    /// or a full table, ends the scan: it is retried next time).</summary>
    public int Refresh()
    {
        Span<byte> record = stackalloc byte[ServiceInfoLayout.Bytes];
        Span<byte> name = stackalloc byte[64];
        int added = 0;
        while (_known < MaxServices && _reader.TryRead(_known, record))
        {
            int length = record[ServiceInfoLayout.NameLength];
            if (length == 0 || length > ServiceInfoLayout.NameBytes)
            {
                break;
            }

            ReadOnlySpan<byte> service = record.Slice(ServiceInfoLayout.Name, length);
            bool ok = Register(name, service, "state"u8, StoreType.Text, Field.State)
                && Register(name, service, "starts"u8, StoreType.Unsigned, Field.Starts)
                && Register(name, service, "restarts"u8, StoreType.Unsigned, Field.Restarts)
                && Register(name, service, "last-status"u8, StoreType.Signed, Field.LastStatus);
            if (!ok)
            {
                break;
            }

            _known++;
            added++;
        }
        return added;
    }

    private bool Register(Span<byte> name, ReadOnlySpan<byte> service, ReadOnlySpan<byte> entry, StoreType type, Field field)
    {
        int n = 0;
        "services/"u8.CopyTo(name); n += 9;
        service.CopyTo(name.Slice(n)); n += service.Length;
        name[n++] = (byte)'/';
        entry.CopyTo(name.Slice(n)); n += entry.Length;
        StoreStatus status = _table.RegisterStaticSource(name.Slice(0, n), type, new Figure(_reader, _known, field), writable: false);
        return status == StoreStatus.Ok || status == StoreStatus.Exists;
    }

    private enum Field { State, Starts, Restarts, LastStatus }

    private sealed class Figure : IStoreEntrySource
    {
        private readonly IServiceFigureReader _reader;
        private readonly int _index;
        private readonly Field _field;

        internal Figure(IServiceFigureReader reader, int index, Field field)
        {
            _reader = reader;
            _index = index;
            _field = field;
        }

        public StoreValue Get(Span<byte> text)
        {
            Span<byte> record = stackalloc byte[ServiceInfoLayout.Bytes];
            if (!_reader.TryRead(_index, record))
            {
                record.Clear();
            }

            uint starts = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(ServiceInfoLayout.Starts));
            uint running = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(ServiceInfoLayout.Running));
            long last = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(record.Slice(ServiceInfoLayout.LastStatus));
            switch (_field)
            {
                case Field.State:
                    ReadOnlySpan<byte> state = running > 0 ? "running"u8 : "ended"u8;
                    state.CopyTo(text);
                    return StoreValue.FromText(text.Slice(0, state.Length));
                case Field.Starts: return StoreValue.FromUnsigned(starts);
                case Field.Restarts: return StoreValue.FromUnsigned(starts == 0 ? 0 : starts - 1);
                default: return StoreValue.FromSigned(last);
            }
        }

        public bool TrySet(in StoreValue value) => false;
    }
}
