using System;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Store;

/// <summary>One client's subscriptions: up to <see cref="MaxPrefixes"/> prefixes and a
/// bounded queue of events (names and values copied in). A full queue drops the new
/// event and counts it; the store never waits for a subscriber.</summary>
internal sealed class StoreSubscriber
{
    internal const int MaxPrefixes = 4;
    private const int NameStride = StoreNames.MaxBytes + 1;

    private readonly byte[] _prefixes = new byte[MaxPrefixes * NameStride];
    private readonly byte[] _prefixLengths = new byte[MaxPrefixes];
    private readonly StoreEventKind[] _kinds;
    private readonly byte[] _names;
    private readonly byte[] _nameLengths;
    private readonly StoreType[] _types;
    private readonly ulong[] _bits;
    private readonly byte[] _texts;
    private readonly byte[] _textLengths;
    private readonly int _capacity;
    private int _head;

    internal StoreSubscriber(int capacity)
    {
        _capacity = capacity;
        _kinds = new StoreEventKind[capacity];
        _names = new byte[capacity * NameStride];
        _nameLengths = new byte[capacity];
        _types = new StoreType[capacity];
        _bits = new ulong[capacity];
        _texts = new byte[capacity * StoreValue.MaxTextBytes];
        _textLengths = new byte[capacity];
    }

    internal int PrefixCount;
    internal int Count;
    internal ulong Dropped;

    internal bool HasPrefix(ReadOnlySpan<byte> prefix)
    {
        for (int i = 0; i < PrefixCount; i++)
        {
            if (Prefix(i).SequenceEqual(prefix))
            {
                return true;
            }
        }
        return false;
    }

    internal void AddPrefix(ReadOnlySpan<byte> prefix)
    {
        prefix.CopyTo(new Span<byte>(_prefixes, PrefixCount * NameStride, NameStride));
        _prefixLengths[PrefixCount] = (byte)prefix.Length;
        PrefixCount++;
    }

    internal bool Matches(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < PrefixCount; i++)
        {
            if (StoreNames.StartsWith(name, Prefix(i)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Queues an event, or counts it as dropped when <paramref name="limit"/> events wait already.</summary>
    internal void Enqueue(StoreEventKind kind, ReadOnlySpan<byte> name, in StoreValue value, int limit)
    {
        if (Count >= limit || Count >= _capacity)
        {
            Dropped++;
            return;
        }
        int slot = (_head + Count) % _capacity;
        _kinds[slot] = kind;
        name.CopyTo(new Span<byte>(_names, slot * NameStride, NameStride));
        _nameLengths[slot] = (byte)name.Length;
        _types[slot] = value.Type;
        _bits[slot] = value.Bits;
        value.Text.CopyTo(new Span<byte>(_texts, slot * StoreValue.MaxTextBytes, StoreValue.MaxTextBytes));
        _textLengths[slot] = (byte)value.Text.Length;
        Count++;
    }

    /// <summary>Takes the oldest event; its name and text stay valid until the next Enqueue.</summary>
    internal bool TryDequeue(out StoreEventKind kind, out ReadOnlySpan<byte> name, out StoreValue value)
    {
        if (Count == 0)
        {
            kind = StoreEventKind.None;
            name = default;
            value = default;
            return false;
        }
        int slot = _head;
        _head = (_head + 1) % _capacity;
        Count--;
        kind = _kinds[slot];
        name = new ReadOnlySpan<byte>(_names, slot * NameStride, _nameLengths[slot]);
        value = new StoreValue(_types[slot], _bits[slot], new ReadOnlySpan<byte>(_texts, slot * StoreValue.MaxTextBytes, _textLengths[slot]));
        return true;
    }

    /// <summary>Forgets every prefix, queued event and the drop count.</summary>
    internal void Clear()
    {
        PrefixCount = 0;
        Count = 0;
        _head = 0;
        Dropped = 0;
    }

    private ReadOnlySpan<byte> Prefix(int i) => new ReadOnlySpan<byte>(_prefixes, i * NameStride, _prefixLengths[i]);
}
