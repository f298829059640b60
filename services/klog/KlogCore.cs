using System;
using Microkernel.Logging;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Klog;

/// <summary>klog's portable heart: one fixed-size ring (<see cref="LogRecordRing"/>) that
/// merges the kernel's records and the services' writes, a table of sources with a
/// sequence per source, the level threshold, and exact accounting of every record.</summary>
/// <remarks>
/// Nothing here blocks or allocates after construction (docs/FREESTANDING.md); the service
/// (KlogService.cs) does the system calls; tests/Klog.Tests drives it against a model.
/// <para>Per source, at every moment:
/// <c>received = filtered + exported + dropped + held</c> (held: still in the ring). A
/// record below the threshold is filtered on arrival. A record that does not fit evicts the
/// oldest ones, each counted as dropped against its own source; a writer never waits.
/// Every kept record gets the next sequence of its source, so at export a gap in a
/// source's sequence must equal the drops of that source since its previous export:
/// anything else counts in <see cref="AccountingErrors"/> (a ring bug, not a load).</para>
/// <para>Order: a writer may number its records (<c>Sequence</c> in Write); a number that
/// does not rise counts in <see cref="OrderViolations"/>, one that skips in
/// <see cref="SequenceGaps"/>.</para>
/// </remarks>
public sealed unsafe class KlogCore
{
    /// <summary>Sources tracked one by one; more share the last slot.</summary>
    public const int MaxSources = 32;
    private const int NameBytes = LogRecordRing.MaxSourceBytes;

    private LogRecordRing _ring;
    private readonly byte[] _scratch = new byte[LogRecordRing.MaxRecordBytes];
    private readonly byte[] _names = new byte[MaxSources * NameBytes];
    private readonly int[] _nameLengths = new int[MaxSources];
    private readonly bool[] _kernel = new bool[MaxSources];
    private readonly ulong[] _received = new ulong[MaxSources];
    private readonly ulong[] _filtered = new ulong[MaxSources];
    private readonly ulong[] _exported = new ulong[MaxSources];
    private readonly ulong[] _dropped = new ulong[MaxSources];
    private readonly ulong[] _nextSequence = new ulong[MaxSources];
    private readonly ulong[] _lastExported = new ulong[MaxSources];
    private readonly ulong[] _dropsSinceExport = new ulong[MaxSources];
    private readonly ulong[] _lastWriterSequence = new ulong[MaxSources];
    private int _sources;
    private ulong _exportSequence;

    /// <summary>A core whose ring lives in <paramref name="storage"/> (<paramref name="capacity"/>
    /// bytes, a multiple of 8, at least one largest record; it must stay put).</summary>
    public KlogCore(byte* storage, int capacity)
    {
        if (!_ring.Initialize(storage, capacity))
        {
            throw new ArgumentException("klog ring storage too small or misaligned");
        }
    }

    /// <summary>Records below this level are filtered (0 debug .. 3 error); info at start.</summary>
    public byte Threshold { get; set; } = (byte)KlogLevel.Info;

    /// <summary>Time stamp the sessions give records written now (the service sets it once
    /// per serving pass: one clock call per pass, not per record).</summary>
    public ulong NowNs;

    /// <summary>Records held in the ring now.</summary>
    public ulong Held => _ring.Count;
    /// <summary>Sources seen.</summary>
    public int SourceCount => _sources;
    /// <summary>Writes with a level above Error (refused, not counted as received).</summary>
    public ulong BadLevels { get; private set; }
    /// <summary>Records that did not rise in their writer's sequence.</summary>
    public ulong OrderViolations { get; private set; }
    /// <summary>Writer sequence numbers skipped (a record lost before it reached klog).</summary>
    public ulong SequenceGaps { get; private set; }
    /// <summary>Exports whose source sequence did not match the drops counted (must stay 0).</summary>
    public ulong AccountingErrors { get; private set; }
    /// <summary>The last kernel sequence taken in.</summary>
    public ulong LastKernelSequence { get; private set; }
    /// <summary>Kernel records lost before klog read them (gaps in the kernel's sequence).</summary>
    public ulong KernelLost { get; private set; }
    /// <summary>Records lost so far: klog's drops and the kernel's (the frames' <c>dropped</c>).</summary>
    public ulong LostTotal => TotalDropped + KernelLost;
    /// <summary>Records dropped from klog's ring, all sources.</summary>
    public ulong TotalDropped { get; private set; }

    /// <summary>Takes one record from a service. <paramref name="writerSequence"/> is the
    /// writer's own number (0: none).</summary>
    public KlogStatus Accept(byte level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong timeNs, ushort cpu, ulong writerSequence) =>
        Take(level, source, text, timeNs, cpu, writerSequence, kernel: false);

    /// <summary>Takes one record read from the kernel's buffer (log_read); ones already
    /// taken are ignored, skipped sequences are counted as lost.</summary>
    public KlogStatus AcceptKernel(in LogRecordView record)
    {
        if (record.Sequence <= LastKernelSequence)
        {
            return KlogStatus.Ok;
        }

        KernelLost += record.Sequence - LastKernelSequence - 1;
        LastKernelSequence = record.Sequence;
        return Take(record.Level > 3 ? (byte)3 : record.Level, record.Source, record.Text, record.TimeNs, record.Cpu, 0, kernel: true);
    }

    private KlogStatus Take(byte level, ReadOnlySpan<byte> source, ReadOnlySpan<byte> text, ulong timeNs, ushort cpu, ulong writerSequence, bool kernel)
    {
        if (level > (byte)KlogLevel.Error) { BadLevels++; return KlogStatus.BadLevel; }
        if (source.Length > NameBytes)
        {
            source = source.Slice(0, NameBytes);
        }

        int slot = Slot(source, kernel);
        _received[slot]++;
        if (writerSequence != 0)
        {
            ulong last = _lastWriterSequence[slot];
            if (writerSequence <= last)
            {
                OrderViolations++;
            }
            else
            {
                SequenceGaps += writerSequence - last - 1;
                _lastWriterSequence[slot] = writerSequence;
            }
        }
        if (level < Threshold) { _filtered[slot]++; return KlogStatus.Filtered; }
        // Make room by dropping the oldest, each against its own source.
        ulong size = (ulong)LogRecordRing.RecordBytes(source.Length, text.Length);
        fixed (byte* scratch = _scratch)
        {
            while (_ring.FreeBytes < size && _ring.TryTake(new Span<byte>(scratch, _scratch.Length), out LogRecordView old, out _))
            {
                int oldSlot = old.Tag - 1;
                _dropped[oldSlot]++;
                _dropsSinceExport[oldSlot]++;
                TotalDropped++;
            }
        }
        _ring.Append(++_nextSequence[slot], timeNs, cpu, level, source, text, (ushort)(slot + 1));
        return KlogStatus.Ok;
    }

    /// <summary>Takes the oldest record out of the ring and encodes its export frame into
    /// <paramref name="frame"/> (at least <see cref="KlogFrame.MaxFrameBytes"/>); the frame's
    /// length, or 0 when the ring is empty.</summary>
    public int ExportNext(Span<byte> frame)
    {
        fixed (byte* scratch = _scratch)
        {
            if (!_ring.TryTake(new Span<byte>(scratch, _scratch.Length), out LogRecordView record, out _))
            {
                return 0;
            }

            int slot = record.Tag - 1;
            ulong gap = record.Sequence - _lastExported[slot] - 1;
            if (record.Sequence <= _lastExported[slot] || gap != _dropsSinceExport[slot])
            {
                AccountingErrors++;
            }

            _dropsSinceExport[slot] = 0;
            _lastExported[slot] = record.Sequence;
            _exported[slot]++;
            return KlogFrame.Encode(frame, ++_exportSequence, record.TimeNs, record.Cpu, record.Level, record.Source, record.Text,
                LostTotal, record.Sequence);
        }
    }

    /// <summary>Figures of one source (0 .. <see cref="SourceCount"/> - 1).</summary>
    public KlogSourceFigures Figures(int slot) => new KlogSourceFigures
    {
        IsKernel = _kernel[slot],
        Received = _received[slot],
        Filtered = _filtered[slot],
        Exported = _exported[slot],
        Dropped = _dropped[slot],
        Kept = _nextSequence[slot],
        Sources = 1,
    };

    /// <summary>The name of source <paramref name="slot"/>.</summary>
    public ReadOnlySpan<byte> SourceName(int slot) => new ReadOnlySpan<byte>(_names, slot * NameBytes, _nameLengths[slot]);

    /// <summary>Sums over the services' sources (<paramref name="kernel"/> false) or the kernel's.</summary>
    public KlogSourceFigures Totals(bool kernel)
    {
        KlogSourceFigures sum = default;
        sum.IsKernel = kernel;
        for (int i = 0; i < _sources; i++)
        {
            if (_kernel[i] != kernel)
            {
                continue;
            }

            sum.Received += _received[i];
            sum.Filtered += _filtered[i];
            sum.Exported += _exported[i];
            sum.Dropped += _dropped[i];
            sum.Kept += _nextSequence[i];
            sum.Sources++;
        }
        return sum;
    }

    private int Slot(ReadOnlySpan<byte> source, bool kernel)
    {
        for (int i = 0; i < _sources; i++)
        {
            if (_kernel[i] == kernel && SourceName(i).SequenceEqual(source))
            {
                return i;
            }
        }
        if (_sources == MaxSources)
        {
            return MaxSources - 1; // the last slot takes the overflow
        }

        int slot = _sources++;
        source.CopyTo(new Span<byte>(_names, slot * NameBytes, NameBytes));
        _nameLengths[slot] = source.Length;
        _kernel[slot] = kernel;
        return slot;
    }
}

/// <summary>One source's counters (or a sum of them).</summary>
public struct KlogSourceFigures
{
    /// <summary>True for the kernel's sources.</summary>
    public bool IsKernel;
    /// <summary>Records that arrived (with a valid level).</summary>
    public ulong Received;
    /// <summary>Below the threshold on arrival.</summary>
    public ulong Filtered;
    /// <summary>Kept in the ring (= the source's last sequence).</summary>
    public ulong Kept;
    /// <summary>Exported as frames.</summary>
    public ulong Exported;
    /// <summary>Dropped from the ring before export.</summary>
    public ulong Dropped;
    /// <summary>Sources summed (1 for one source's figures).</summary>
    public int Sources;
    /// <summary>Still in the ring: kept - exported - dropped.</summary>
    public readonly ulong Held => Kept - Exported - Dropped;
}
