namespace Microkernel.Ipc;

/// <summary>
/// The requests a client has sent and not yet seen answered, so that a reply is accepted only
/// for a request id that is really outstanding, and only once. A fixed table indexed by
/// <c>requestId &amp; mask</c>: request ids are handed out sequentially, so the slot of a new id
/// is free unless the request sent table-size ids ago is still unanswered.
/// </summary>
public sealed class PendingRequests
{
    private readonly uint[] _ids;
    private readonly ushort[] _messageIds;
    private readonly uint _mask;
    private uint _nextId = 1;

    /// <summary>Creates a table for up to <paramref name="capacity"/> (rounded up to a power of two, at least 1) outstanding requests.</summary>
    public PendingRequests(int capacity)
    {
        int size = 1;
        while (size < capacity && size < (1 << 20))
        {
            size <<= 1;
        }

        _ids = new uint[size];
        _messageIds = new ushort[size];
        _mask = (uint)size - 1;
    }

    /// <summary>Requests currently awaiting a reply.</summary>
    public int Count { get; private set; }

    /// <summary>The id the next <see cref="Add"/> will use, or 0 when its slot is still taken.</summary>
    public uint PeekNextId()
    {
        return _ids[_nextId & _mask] == 0 ? _nextId : 0;
    }

    /// <summary>Records a request with the id from <see cref="PeekNextId"/>; returns it, or 0 when the table is full there.</summary>
    public uint Add(ushort messageId)
    {
        uint id = PeekNextId();
        if (id == 0)
        {
            return 0;
        }

        _ids[id & _mask] = id;
        _messageIds[id & _mask] = messageId;
        Count++;
        _nextId++;
        if (_nextId == 0)
        {
            // 0 marks a free slot, so it is never a request id.
            _nextId = 1;
        }

        return id;
    }

    /// <summary>Removes the request if <paramref name="requestId"/> is outstanding for <paramref name="messageId"/>; false otherwise.</summary>
    public bool TryComplete(uint requestId, ushort messageId)
    {
        uint slot = requestId & _mask;
        if (requestId == 0 || _ids[slot] != requestId || _messageIds[slot] != messageId)
        {
            return false;
        }

        _ids[slot] = 0;
        Count--;
        return true;
    }
}
