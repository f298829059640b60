using System;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>One client's view of the store: the <see cref="IStore"/> handler behind one
/// channel's dispatcher. It turns wire messages into table calls made as its client id.</summary>
public sealed class StoreSession : IStore
{
    private readonly StoreTable _table;

    /// <summary>A session for client <paramref name="client"/> (1..table.MaxClients).</summary>
    public StoreSession(StoreTable table, int client)
    {
        _table = table;
        Client = client;
    }

    /// <summary>The client id every call is made as.</summary>
    public int Client { get; }

    /// <summary>Requests handled by this session.</summary>
    public ulong Calls { get; private set; }

    /// <inheritdoc/>
    public StoreGetReply Get(in StoreNameRequest request)
    {
        Calls++;
        StoreStatus status = _table.Get(request.Name, out StoreValue value);
        return new StoreGetReply { Status = status, Value = ToWire(in value) };
    }

    /// <inheritdoc/>
    public StoreStatusReply Set(in StoreSetRequest request)
    {
        Calls++;
        return Reply(_table.Set(Client, request.Name, FromWire(in request.Value)));
    }

    /// <inheritdoc/>
    public StoreStatusReply CreateObject(in StoreNameRequest request)
    {
        Calls++;
        return Reply(_table.CreateObject(Client, request.Name));
    }

    /// <inheritdoc/>
    public StoreStatusReply RemoveObject(in StoreNameRequest request)
    {
        Calls++;
        return Reply(_table.RemoveObject(Client, request.Name));
    }

    /// <inheritdoc/>
    public StoreStatusReply Acquire(in StoreNameRequest request)
    {
        Calls++;
        return Reply(_table.Acquire(Client, request.Name));
    }

    /// <inheritdoc/>
    public StoreStatusReply Release(in StoreNameRequest request)
    {
        Calls++;
        return Reply(_table.Release(Client, request.Name));
    }

    /// <inheritdoc/>
    public StoreStatusReply Register(in StoreRegisterRequest request)
    {
        Calls++;
        StoreStatus bounds = StoreBounds.FromWire(request.Value.Type, in request.Minimum, in request.Maximum, out StoreBounds range);
        if (bounds != StoreStatus.Ok)
        {
            return Reply(bounds);
        }

        return Reply(_table.Register(Client, request.Name, FromWire(in request.Value), request.Writable, range));
    }

    /// <inheritdoc/>
    public StoreListReply List(in StoreListRequest request)
    {
        Calls++;
        StoreStatus status = _table.List(request.Prefix, request.After, out bool found, out ReadOnlySpan<byte> name, out StoreType type);
        return new StoreListReply { Status = status, Found = found, Name = name, Type = type };
    }

    /// <inheritdoc/>
    public StoreStatusReply Subscribe(in StoreNameRequest request)
    {
        Calls++;
        return Reply(_table.Subscribe(Client, request.Name));
    }

    /// <inheritdoc/>
    public StoreEventReply PollEvents(in StorePollRequest request)
    {
        Calls++;
        bool found = _table.TryPollEvent(Client, out StoreEventKind kind, out ReadOnlySpan<byte> name, out StoreValue value, out int pending, out ulong dropped);
        return new StoreEventReply
        {
            Status = StoreStatus.Ok,
            Found = found,
            Kind = kind,
            Name = name,
            Value = ToWire(in value),
            Pending = (uint)pending,
            Dropped = dropped,
        };
    }

    /// <summary>The wire form of a value (only the field its type names is set).</summary>
    public static StoreWireValue ToWire(scoped in StoreValue value)
    {
        var wire = new StoreWireValue { Type = value.Type };
        switch (value.Type)
        {
            case StoreType.Signed: wire.Signed = value.Signed; break;
            case StoreType.Unsigned: wire.Unsigned = value.Unsigned; break;
            case StoreType.Boolean: wire.Boolean = value.Boolean; break;
            case StoreType.Text: wire.Text = value.Text; break;
        }
        return wire;
    }

    /// <summary>The table's form of a wire value (the field its type names; an unknown type stays unknown).</summary>
    public static StoreValue FromWire(scoped in StoreWireValue wire)
    {
        switch (wire.Type)
        {
            case StoreType.Signed: return StoreValue.FromSigned(wire.Signed);
            case StoreType.Unsigned: return StoreValue.FromUnsigned(wire.Unsigned);
            case StoreType.Boolean: return StoreValue.FromBoolean(wire.Boolean);
            case StoreType.Text: return StoreValue.FromText(wire.Text);
            default: return new StoreValue(wire.Type, 0, default);
        }
    }

    private static StoreStatusReply Reply(StoreStatus status) => new StoreStatusReply { Status = status };
}
