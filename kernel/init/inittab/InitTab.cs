using System;
using System.Threading;

namespace Microkernel.Init;

/// <summary>
/// The inittab: components register an init entry and an optional term entry with a
/// level, a priority and the names of the entries they need. <see cref="RunInit"/> runs
/// the init entries once, in (level, priority, registration) order, skipping any entry
/// whose dependencies did not all initialise first; <see cref="RunTerm"/> runs the term
/// entries of exactly the entries that initialised, in the reverse of the order they
/// did, each at most once.
/// </summary>
/// <remarks>
/// All storage is allocated by the constructor; nothing after it allocates, so
/// RunTerm is usable from a panic. Entries are functions, not objects
/// (<c>delegate*&lt;int&gt;</c>: 0 = ok, anything else an error code), so registering
/// costs no heap either. Register and RunInit are meant for the boot CPU alone;
/// RunTerm may be entered again while it runs (a term function that panics into a
/// panic path that calls RunTerm) or from two CPUs at once: each term entry is
/// claimed with an atomic step before it runs, so none runs twice, and the nested
/// call carries on with the entries not yet claimed.
/// </remarks>
public sealed unsafe class InitTab
{
    /// <summary>Entries a default table holds.</summary>
    public const int DefaultCapacity = 64;

    /// <summary>Largest capacity a table can be built with.</summary>
    public const int MaxCapacity = 1024;

    /// <summary>Longest entry name in bytes.</summary>
    public const int MaxNameLength = 24;

    /// <summary>Longest dependency list in bytes (names separated by spaces or commas).</summary>
    public const int MaxDependencyBytes = 128;

    /// <summary>Most dependency names one entry may list.</summary>
    public const int MaxDependencies = 8;

    /// <summary>Highest priority value; priorities run 0 (first) to 9 within a level.</summary>
    public const int MaxPriority = 9;

    private struct Entry
    {
        public delegate*<int> Init;
        public delegate*<int> Term;
        public int Code;
        public int RunIndex;
        public InitLevel Level;
        public byte Priority;
        public byte NameLength;
        public byte DependencyLength;
        public InitEntryState State;
        public InitSkipReason SkipReason;
        public byte CauseOffset;
        public byte CauseLength;
    }

    private readonly Entry[] _entries;
    private readonly byte[] _names;         // MaxNameLength bytes per entry
    private readonly byte[] _dependencies;  // MaxDependencyBytes bytes per entry
    private readonly int[] _order;          // registration indices in init order
    private readonly int[] _termStack;      // entries that succeeded, in init order
    private int _count;
    private int _termTop;                   // entries on _termStack not yet claimed by RunTerm
    private int _runCount;                  // init functions started so far
    private bool _closed;                   // RunInit or RunTerm has started
    private bool _terminating;              // RunTerm has started: RunInit stops

    /// <summary>A table of <see cref="DefaultCapacity"/> entries.</summary>
    public InitTab() : this(DefaultCapacity)
    {
    }

    /// <summary>A table of <paramref name="capacity"/> entries (1 .. <see cref="MaxCapacity"/>);
    /// all memory the table will ever use is allocated here.</summary>
    public InitTab(int capacity)
    {
        if (capacity < 1 || capacity > MaxCapacity)
        {
            // A programming error in the caller, not a runtime condition.
            throw new ArgumentOutOfRangeException(nameof(capacity));
        }

        _entries = new Entry[capacity];
        _names = new byte[capacity * MaxNameLength];
        _dependencies = new byte[capacity * MaxDependencyBytes];
        _order = new int[capacity];
        _termStack = new int[capacity];
    }

    /// <summary>Entries the table can hold.</summary>
    public int Capacity => _entries.Length;

    /// <summary>Entries registered.</summary>
    public int Count => _count;

    /// <summary>Term entries still owed: entries that initialised and whose term entry
    /// RunTerm has not yet claimed.</summary>
    public int PendingTerms => Volatile.Read(ref _termTop);

    /// <summary>
    /// Adds an entry. <paramref name="dependencies"/> lists the names of entries this one
    /// needs, separated by spaces or commas (e.g. <c>"acpi ioapic"u8</c>; empty for none);
    /// they may be registered before or after this entry, but must come earlier in the
    /// init order. <paramref name="term"/> may be null. Refusals (see
    /// <see cref="InitTabStatus"/>) leave the table unchanged; registration closes when
    /// <see cref="RunInit"/> or <see cref="RunTerm"/> starts.
    /// </summary>
    public InitTabStatus Register(ReadOnlySpan<byte> name, InitLevel level, int priority, delegate*<int> init, delegate*<int> term, ReadOnlySpan<byte> dependencies)
    {
        if (_closed)
        {
            return InitTabStatus.Closed;
        }

        if (!IsValidName(name))
        {
            return InitTabStatus.InvalidName;
        }

        if (!InitLevels.IsValid(level))
        {
            return InitTabStatus.InvalidLevel;
        }

        if (priority < 0 || priority > MaxPriority)
        {
            return InitTabStatus.InvalidPriority;
        }

        if (init == null)
        {
            return InitTabStatus.MissingInit;
        }

        if (!IsValidDependencyList(dependencies))
        {
            return InitTabStatus.InvalidDependencies;
        }

        if (Find(name) >= 0)
        {
            return InitTabStatus.DuplicateName;
        }

        if (_count == _entries.Length)
        {
            return InitTabStatus.TableFull;
        }

        int index = _count;
        name.CopyTo(NameSlot(index));
        dependencies.CopyTo(new Span<byte>(_dependencies).Slice(index * MaxDependencyBytes, MaxDependencyBytes));
        ref Entry entry = ref _entries[index];
        entry = default;
        entry.Init = init;
        entry.Term = term;
        entry.Level = level;
        entry.Priority = (byte)priority;
        entry.NameLength = (byte)name.Length;
        entry.DependencyLength = (byte)dependencies.Length;
        entry.State = InitEntryState.Registered;
        entry.RunIndex = -1;
        _count = index + 1;
        return InitTabStatus.Ok;
    }

    /// <summary>
    /// Runs every init entry once, in (level, priority, registration) order. An entry
    /// runs only if each dependency is registered, comes earlier in that order and
    /// succeeded; otherwise it is Skipped with the first unsatisfied dependency as the
    /// reason, so whatever depends on it (directly or not) is skipped too. A non-zero
    /// return marks the entry Failed with that code. Returns <see cref="InitTabStatus.Closed"/>
    /// (and runs nothing) if init or shutdown has already started.
    /// </summary>
    public InitTabStatus RunInit<TObserver>(ref TObserver observer, out InitSummary summary)
        where TObserver : struct, IInitTabObserver
    {
        summary = default;
        if (_closed)
        {
            return InitTabStatus.Closed;
        }

        _closed = true;
        SortOrder();
        for (int position = 0; position < _count; position++)
        {
            if (Volatile.Read(ref _terminating))
            {
                // An init function started shutdown (or panicked into RunTerm and was
                // resumed): bring nothing more up.
                break;
            }

            int index = _order[position];
            ref Entry entry = ref _entries[index];
            InitSkipReason reason = CheckDependencies(index, out int causeOffset, out int causeLength);
            if (reason != InitSkipReason.None)
            {
                entry.State = InitEntryState.Skipped;
                entry.SkipReason = reason;
                entry.CauseOffset = (byte)causeOffset;
                entry.CauseLength = (byte)causeLength;
                summary.Skipped++;
                observer.InitSkipped(entry.Level, NameOf(index), reason, DependencySlot(index).Slice(causeOffset, causeLength));
                continue;
            }

            entry.State = InitEntryState.Running;
            entry.RunIndex = _runCount++;
            observer.InitStarting(entry.Level, NameOf(index));
            int code = entry.Init();
            if (code == 0)
            {
                entry.State = InitEntryState.Succeeded;
                // On the stack before anyone is told, so a panic from here on still
                // undoes this entry.
                _termStack[_termTop] = index;
                Volatile.Write(ref _termTop, _termTop + 1);
                summary.Succeeded++;
                observer.InitSucceeded(entry.Level, NameOf(index));
            }
            else
            {
                entry.State = InitEntryState.Failed;
                entry.Code = code;
                summary.Failed++;
                observer.InitFailed(entry.Level, NameOf(index), code);
            }
        }

        return InitTabStatus.Ok;
    }

    /// <summary>
    /// Runs the term entries of the entries that initialised, most recent first, each
    /// at most once: a second call (or a nested one from a panicking term function)
    /// runs only what no earlier call has claimed. Entries without a term function are
    /// claimed silently. Allocates nothing. Also closes the table: no registration or
    /// RunInit after shutdown has begun. Returns the number of term functions this call ran.
    /// </summary>
    public int RunTerm<TObserver>(ref TObserver observer)
        where TObserver : struct, IInitTabObserver
    {
        _closed = true;
        Volatile.Write(ref _terminating, true);
        int ran = 0;
        while (true)
        {
            int top = Volatile.Read(ref _termTop);
            if (top <= 0)
            {
                return ran;
            }

            if (Interlocked.CompareExchange(ref _termTop, top - 1, top) != top)
            {
                continue;
            }

            int index = _termStack[top - 1];
            ref Entry entry = ref _entries[index];
            entry.State = InitEntryState.Terminated;
            if (entry.Term == null)
            {
                continue;
            }

            observer.TermStarting(entry.Level, NameOf(index));
            int code = entry.Term();
            entry.Code = code;
            ran++;
            observer.TermFinished(entry.Level, NameOf(index), code);
        }
    }

    /// <summary>Registration index of the entry called <paramref name="name"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < _count; i++)
        {
            if (NameOf(i).SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>What happened to the entry called <paramref name="name"/>; false if
    /// there is none.</summary>
    public bool TryGetOutcome(ReadOnlySpan<byte> name, out InitOutcome outcome)
    {
        outcome = default;
        int index = Find(name);
        if (index < 0)
        {
            return false;
        }

        ref Entry entry = ref _entries[index];
        outcome.Level = entry.Level;
        outcome.Priority = entry.Priority;
        outcome.State = entry.State;
        outcome.SkipReason = entry.SkipReason;
        outcome.Code = entry.Code;
        outcome.RunIndex = entry.RunIndex;
        return true;
    }

    /// <summary>For a skipped entry, the dependency name that caused it; empty otherwise.</summary>
    public ReadOnlySpan<byte> SkipCause(ReadOnlySpan<byte> name)
    {
        int index = Find(name);
        if (index < 0 || _entries[index].State != InitEntryState.Skipped)
        {
            return ReadOnlySpan<byte>.Empty;
        }

        return DependencySlot(index).Slice(_entries[index].CauseOffset, _entries[index].CauseLength);
    }

    /// <summary>True if <paramref name="name"/> can name an entry: 1 ..
    /// <see cref="MaxNameLength"/> bytes of printable ASCII without space or comma.</summary>
    public static bool IsValidName(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            if (b <= (byte)' ' || b > (byte)'~' || b == (byte)',')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSeparator(byte b) => b == (byte)' ' || b == (byte)',';

    private static bool IsValidDependencyList(ReadOnlySpan<byte> list)
    {
        if (list.Length > MaxDependencyBytes)
        {
            return false;
        }

        int names = 0;
        int position = 0;
        while (NextToken(list, ref position, out int start, out int length))
        {
            if (++names > MaxDependencies || !IsValidName(list.Slice(start, length)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Finds the next name in a separator-delimited list from
    /// <paramref name="position"/>; false at the end.</summary>
    private static bool NextToken(ReadOnlySpan<byte> list, ref int position, out int start, out int length)
    {
        while (position < list.Length && IsSeparator(list[position]))
        {
            position++;
        }

        start = position;
        while (position < list.Length && !IsSeparator(list[position]))
        {
            position++;
        }

        length = position - start;
        return length > 0;
    }

    private InitSkipReason CheckDependencies(int index, out int causeOffset, out int causeLength)
    {
        ReadOnlySpan<byte> list = DependencySlot(index);
        int position = 0;
        while (NextToken(list, ref position, out int start, out int length))
        {
            causeOffset = start;
            causeLength = length;
            int dependency = Find(list.Slice(start, length));
            if (dependency < 0)
            {
                return InitSkipReason.DependencyUnknown;
            }

            switch (_entries[dependency].State)
            {
                case InitEntryState.Succeeded:
                    break;
                case InitEntryState.Failed:
                    return InitSkipReason.DependencyFailed;
                case InitEntryState.Skipped:
                    return InitSkipReason.DependencySkipped;
                default:
                    // Registered (later in the order, or this entry itself): it cannot
                    // have initialised before this entry runs.
                    return InitSkipReason.DependencyOrder;
            }
        }

        causeOffset = 0;
        causeLength = 0;
        return InitSkipReason.None;
    }

    /// <summary>Insertion sort of registration indices by (level, priority, index):
    /// stable, in place, no allocation; n is at most a few dozen.</summary>
    private void SortOrder()
    {
        for (int i = 0; i < _count; i++)
        {
            int key = SortKey(i);
            int j = i - 1;
            while (j >= 0 && SortKey(_order[j]) > key)
            {
                _order[j + 1] = _order[j];
                j--;
            }

            _order[j + 1] = i;
        }
    }

    private int SortKey(int index)
    {
        ref Entry entry = ref _entries[index];
        return ((int)entry.Level * (MaxPriority + 1) + entry.Priority) * (MaxCapacity + 1) + index;
    }

    private Span<byte> NameSlot(int index) => new Span<byte>(_names).Slice(index * MaxNameLength, MaxNameLength);

    private ReadOnlySpan<byte> NameOf(int index) => new ReadOnlySpan<byte>(_names).Slice(index * MaxNameLength, _entries[index].NameLength);

    private Span<byte> DependencySlot(int index) => new Span<byte>(_dependencies).Slice(index * MaxDependencyBytes, _entries[index].DependencyLength);
}
