using System.Collections.Generic;
using System.Text;
using Microkernel.Ipc.Tests.Contracts;

namespace Microkernel.Ipc.Tests;

/// <summary>An in-memory handler for the test contract.</summary>
internal sealed class KeyValueStore : IKeyValue
{
    private readonly Dictionary<string, (byte[] Value, long Version)> _items = new();
    private long _version;

    public int Forgotten { get; private set; }

    public PutReply Put(in PutRequest request)
    {
        string key = Encoding.UTF8.GetString(request.Key);
        if (!request.Overwrite && _items.TryGetValue(key, out (byte[] Value, long Version) existing))
        {
            return new PutReply { Stored = false, Version = existing.Version };
        }

        _items[key] = (request.Value.ToArray(), ++_version);
        return new PutReply { Stored = true, Version = _version };
    }

    public GetReply Get(in GetRequest request)
    {
        return _items.TryGetValue(Encoding.UTF8.GetString(request.Key), out (byte[] Value, long Version) item)
            ? new GetReply { Found = true, Value = item.Value, Version = item.Version }
            : new GetReply { Found = false };
    }

    public void Forget(in GetRequest request)
    {
        if (_items.Remove(Encoding.UTF8.GetString(request.Key)))
        {
            Forgotten++;
        }
    }
}
