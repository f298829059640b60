using System;
using System.Buffers.Binary;
using Microkernel.Abi;

namespace Microkernel.Logging;

/// <summary>One record read out of a <see cref="LogRecordRing"/> or out of a buffer in
/// <see cref="KernelLogLayout"/>'s format. The spans point into that buffer.</summary>
public readonly ref struct LogRecordView
{
    /// <summary>The sequence number stored with the record.</summary>
    public readonly ulong Sequence;
    /// <summary>Nanoseconds since boot when it was logged.</summary>
    public readonly ulong TimeNs;
    /// <summary>CPU that logged it.</summary>
    public readonly ushort Cpu;
    /// <summary>0 debug, 1 info, 2 warning, 3 error.</summary>
    public readonly byte Level;
    /// <summary>Who logged it.</summary>
    public readonly ReadOnlySpan<byte> Source;
    /// <summary>The message.</summary>
    public readonly ReadOnlySpan<byte> Text;
    /// <summary>The layout's reserved field: 0 in the kernel's records; the klog service
    /// keeps its source slot there.</summary>
    public readonly ushort Tag;

    /// <summary>A view over already decoded fields.</summary>
    public LogRecordView(ulong sequence, ulong timeNs, ushort cpu, byte level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ushort tag = 0)
    {
        Tag = tag;
        Sequence = sequence;
        TimeNs = timeNs;
        Cpu = cpu;
        Level = level;
        Source = source;
        Text = text;
    }
}

/// <summary>A fixed-size ring of log records over caller-provided storage, stored in
/// <see cref="KernelLogLayout"/>'s record format (so copying out is copying bytes). When
/// a new record does not fit, the oldest are overwritten: a writer never waits and
/// nothing is allocated. It is the kernel's record buffer and the klog service's ring.</summary>
/// <remarks>
/// Portable (docs/FREESTANDING.md): no kernel dependencies, host-tested by tests/Klog.Tests.
/// Not thread-safe; the kernel serialises it under a lock with interrupts off.
/// <para>Byte positions are free-running 64-bit counters (position mod capacity is the
/// offset), so a record may straddle the end of the storage and is copied in two parts;
/// every record is a multiple of 8 bytes and the capacity is too.</para>
/// <para>Accounting, by record index (0 = the first record ever appended):
/// <see cref="Appended"/> records went in; records below <see cref="Oldest"/> are gone;
/// a reader marks what it has seen (<see cref="CopyOut"/>, <see cref="TryTake"/>), and
/// an overwritten record that no reader had seen counts in <see cref="Dropped"/>. So
/// <c>Dropped</c> is exactly the records lost, not merely the records overwritten.</para>
/// </remarks>
public unsafe struct LogRecordRing
{
    /// <summary>Longest source kept (the record's length field is a byte; names are short).</summary>
    public const int MaxSourceBytes = 32;
    /// <summary>Longest text kept; longer texts are cut to this many bytes.</summary>
    public const int MaxTextBytes = 480;
    /// <summary>Largest record in bytes.</summary>
    public const int MaxRecordBytes = (KernelLogLayout.RecordFixedBytes + MaxSourceBytes + MaxTextBytes + 7) & ~7;

    private byte* _storage;
    private int _capacity;
    private ulong _head, _tail;      // byte positions: oldest record, next write
    private ulong _oldest;           // index of the record at _head
    private ulong _appended;         // index the next record gets
    private ulong _readMark;         // records below this index have been seen by a reader
    private ulong _dropped;

    /// <summary>Points the ring at <paramref name="storage"/>; <paramref name="capacity"/>
    /// must be a multiple of 8 and hold at least one largest record. False otherwise.</summary>
    public bool Initialize(byte* storage, int capacity)
    {
        if (storage == null || capacity < MaxRecordBytes || (capacity & 7) != 0)
        {
            return false;
        }

        this = default;
        _storage = storage;
        _capacity = capacity;
        return true;
    }

    /// <summary>True once <see cref="Initialize"/> succeeded.</summary>
    public readonly bool IsReady => _storage != null;
    /// <summary>Records ever appended.</summary>
    public readonly ulong Appended => _appended;
    /// <summary>Index of the oldest record still held.</summary>
    public readonly ulong Oldest => _oldest;
    /// <summary>Records held now.</summary>
    public readonly ulong Count => _appended - _oldest;
    /// <summary>Records overwritten before any reader saw them.</summary>
    public readonly ulong Dropped => _dropped;
    /// <summary>Bytes held now.</summary>
    public readonly ulong UsedBytes => _tail - _head;
    /// <summary>Bytes of storage.</summary>
    public readonly int Capacity => _capacity;
    /// <summary>Bytes free now (a record of <see cref="RecordBytes"/> fits without
    /// overwriting anything when it is at most this).</summary>
    public readonly ulong FreeBytes => (ulong)_capacity - (_tail - _head);

    /// <summary>Bytes a record with these lengths occupies (after cutting to the maxima).</summary>
    public static int RecordBytes(int sourceLength, int textLength) =>
        (KernelLogLayout.RecordFixedBytes + Math.Min(sourceLength, MaxSourceBytes) + Math.Min(textLength, MaxTextBytes) + 7) & ~7;

    /// <summary>Appends a record, cutting source and text to their maxima and overwriting
    /// the oldest records until it fits. Returns how many unseen records that dropped.</summary>
    /// <remarks><paramref name="tag"/> goes into the layout's reserved field (0 for the kernel's records).</remarks>
    public int Append(ulong sequence, ulong timeNs, ushort cpu, byte level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ushort tag = 0)
    {
        if (_storage == null)
        {
            return 0;
        }

        if (source.Length > MaxSourceBytes)
        {
            source = source.Slice(0, MaxSourceBytes);
        }

        if (text.Length > MaxTextBytes)
        {
            text = text.Slice(0, MaxTextBytes);
        }

        int size = RecordBytes(source.Length, text.Length);
        int dropped = 0;
        while ((ulong)_capacity - (_tail - _head) < (ulong)size)
        {
            if (_oldest >= _readMark) { _dropped++; dropped++; }
            _head += (ulong)SizeAt(_head);
            _oldest++;
        }
        byte* header = stackalloc byte[KernelLogLayout.RecordFixedBytes];
        var h = new Span<byte>(header, KernelLogLayout.RecordFixedBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(h, sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(h.Slice(8), timeNs);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(16), cpu);
        h[18] = level;
        h[19] = (byte)source.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(20), (ushort)text.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(22), tag);
        ulong at = _tail;
        Put(at, h);
        at += KernelLogLayout.RecordFixedBytes;
        Put(at, source);
        at += (ulong)source.Length;
        Put(at, text);
        at += (ulong)text.Length;
        // Zero the padding so copied-out bytes never carry stale data.
        byte* zeros = stackalloc byte[8];
        for (int i = 0; i < 8; i++)
        {
            zeros[i] = 0;
        }

        int pad = size - (KernelLogLayout.RecordFixedBytes + source.Length + text.Length);
        Put(at, new ReadOnlySpan<byte>(zeros, pad));
        _tail += (ulong)size;
        _appended++;
        return dropped;
    }

    /// <summary>Copies, oldest first, every record whose stored sequence is greater than
    /// <paramref name="afterSequence"/> into <paramref name="destination"/> as whole
    /// records (a record that does not fit ends the copy; none is ever split). Marks them
    /// seen. Returns the bytes written; <paramref name="lastSequence"/> is the sequence of
    /// the last record copied (unchanged <paramref name="afterSequence"/> if none).</summary>
    /// <remarks>Meant for rings whose sequences rise with each append (the kernel's).</remarks>
    public int CopyOut(ulong afterSequence, Span<byte> destination, out ulong lastSequence)
    {
        lastSequence = afterSequence;
        int written = 0;
        ulong position = _head;
        for (ulong index = _oldest; index < _appended; index++)
        {
            int size = SizeAt(position);
            ulong sequence = ReadU64(position);
            if (sequence > afterSequence)
            {
                if (size > destination.Length - written)
                {
                    break;
                }

                Get(position, destination.Slice(written, size));
                written += size;
                lastSequence = sequence;
                if (index + 1 > _readMark)
                {
                    _readMark = index + 1;
                }
            }
            position += (ulong)size;
        }
        return written;
    }

    /// <summary>Removes the oldest record, copying it into <paramref name="scratch"/>
    /// (at least <see cref="MaxRecordBytes"/>) and returning a view over that copy, with
    /// its index in <paramref name="index"/>. False when the ring is empty.</summary>
    public bool TryTake(Span<byte> scratch, out LogRecordView record, out ulong index)
    {
        record = default;
        index = _oldest;
        if (_oldest == _appended || scratch.Length < MaxRecordBytes)
        {
            return false;
        }

        int size = SizeAt(_head);
        Get(_head, scratch.Slice(0, size));
        int offset = 0;
        TryRead(scratch.Slice(0, size), ref offset, out record);
        _head += (ulong)size;
        _oldest++;
        if (_oldest > _readMark)
        {
            _readMark = _oldest;
        }

        return true;
    }

    /// <summary>Writes the log_read header: dropped total, then the next sequence.</summary>
    public static bool TryWriteHeader(Span<byte> destination, ulong dropped, ulong nextSequence)
    {
        if (destination.Length < KernelLogLayout.HeaderBytes)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, dropped);
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(8), nextSequence);
        return true;
    }

    /// <summary>Reads the log_read header.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> source, out ulong dropped, out ulong nextSequence)
    {
        dropped = nextSequence = 0;
        if (source.Length < KernelLogLayout.HeaderBytes)
        {
            return false;
        }

        dropped = BinaryPrimitives.ReadUInt64LittleEndian(source);
        nextSequence = BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(8));
        return true;
    }

    /// <summary>Reads the record at <paramref name="offset"/> of a buffer in
    /// <see cref="KernelLogLayout"/>'s record format and moves the offset past it. False
    /// (offset unchanged) at the end or when the record's lengths do not fit the buffer:
    /// the buffer may come from another address space and is trusted for nothing.</summary>
    public static bool TryRead(ReadOnlySpan<byte> buffer, scoped ref int offset, out LogRecordView record)
    {
        record = default;
        if (offset < 0 || buffer.Length - offset < KernelLogLayout.RecordFixedBytes)
        {
            return false;
        }

        ReadOnlySpan<byte> h = buffer.Slice(offset);
        int sourceLength = h[19];
        int textLength = BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(20));
        int size = (KernelLogLayout.RecordFixedBytes + sourceLength + textLength + 7) & ~7;
        if (size > h.Length)
        {
            return false;
        }

        record = new LogRecordView(BinaryPrimitives.ReadUInt64LittleEndian(h), BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(8)),
            BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(16)), h[18],
            h.Slice(KernelLogLayout.RecordFixedBytes, sourceLength), h.Slice(KernelLogLayout.RecordFixedBytes + sourceLength, textLength),
            BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(22)));
        offset += size;
        return true;
    }

    private readonly int SizeAt(ulong position)
    {
        byte* lengths = stackalloc byte[4];
        Get(position + 18, new Span<byte>(lengths, 4));
        return (KernelLogLayout.RecordFixedBytes + lengths[1] + (lengths[2] | lengths[3] << 8) + 7) & ~7;
    }

    private readonly ulong ReadU64(ulong position)
    {
        byte* value = stackalloc byte[8];
        Get(position, new Span<byte>(value, 8));
        return BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(value, 8));
    }

    /// <summary>Copies bytes in at a free-running position, wrapping at the end.</summary>
    private readonly void Put(ulong position, ReadOnlySpan<byte> bytes)
    {
        int offset = (int)(position % (ulong)_capacity);
        int first = Math.Min(bytes.Length, _capacity - offset);
        bytes.Slice(0, first).CopyTo(new Span<byte>(_storage + offset, first));
        if (first < bytes.Length)
        {
            bytes.Slice(first).CopyTo(new Span<byte>(_storage, bytes.Length - first));
        }
    }

    /// <summary>Copies bytes out from a free-running position, wrapping at the end.</summary>
    private readonly void Get(ulong position, Span<byte> bytes)
    {
        int offset = (int)(position % (ulong)_capacity);
        int first = Math.Min(bytes.Length, _capacity - offset);
        new ReadOnlySpan<byte>(_storage + offset, first).CopyTo(bytes.Slice(0, first));
        if (first < bytes.Length)
        {
            new ReadOnlySpan<byte>(_storage, bytes.Length - first).CopyTo(bytes.Slice(first));
        }
    }
}
