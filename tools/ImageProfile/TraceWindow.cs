using System.Collections.Generic;

namespace ImageProfile;

/// <summary>
/// Counts executions per guest PC, in trace order. Without a marker every instruction is
/// counted. With a marker (the first instruction of a function entered once per iteration)
/// only whole iterations are: the counted window runs from the first execution of the
/// marker up to, not including, its last execution, so it holds exactly
/// <see cref="Iterations"/> = entries - 1 iterations. What comes before the first entry and
/// after the last is left out and reported (<see cref="LeftOutBefore"/>, <see cref="LeftOutAfter"/>).
/// </summary>
public sealed class TraceWindow
{
    private readonly ulong? _marker;
    private readonly Dictionary<ulong, long> _counts = new();
    private readonly Dictionary<ulong, long> _pending = new();
    private long _pendingInstructions;
    private long _before;

    /// <summary>Creates a window; <paramref name="markerPc"/> is the guest address of the marker function, or null.</summary>
    public TraceWindow(ulong? markerPc = null) => _marker = markerPc;

    /// <summary>Executions per PC inside the counted window.</summary>
    public IReadOnlyDictionary<ulong, long> Counts => _counts;

    /// <summary>Instructions inside the counted window.</summary>
    public long Instructions { get; private set; }

    /// <summary>Executions of the marker's first instruction (0 without a marker).</summary>
    public long MarkerEntries { get; private set; }

    /// <summary>Whole iterations counted: marker entries - 1 (0 without a marker or with fewer than two entries).</summary>
    public long Iterations => MarkerEntries > 1 ? MarkerEntries - 1 : 0;

    /// <summary>Instructions before the marker's first execution (left out); all of them while it has not run.</summary>
    public long LeftOutBefore => MarkerEntries == 0 ? _pendingInstructions : _before;

    /// <summary>Instructions from the marker's last execution on (left out: an unfinished iteration).</summary>
    public long LeftOutAfter => MarkerEntries == 0 ? 0 : _pendingInstructions;

    /// <summary>Records one executed instruction at <paramref name="pc"/>.</summary>
    public void Add(ulong pc)
    {
        if (_marker is null)
        {
            Increment(_counts, pc);
            Instructions++;
            return;
        }
        if (pc == _marker.Value)
        {
            if (MarkerEntries == 0)
            {
                _before = _pendingInstructions;
            }
            else
            {
                foreach (KeyValuePair<ulong, long> e in _pending)
                {
                    _counts[e.Key] = _counts.GetValueOrDefault(e.Key) + e.Value;
                }

                Instructions += _pendingInstructions;
            }
            _pending.Clear();
            _pendingInstructions = 0;
            MarkerEntries++;
        }
        Increment(_pending, pc);
        _pendingInstructions++;
    }

    private static void Increment(Dictionary<ulong, long> counts, ulong pc) =>
        counts[pc] = counts.GetValueOrDefault(pc) + 1;
}
