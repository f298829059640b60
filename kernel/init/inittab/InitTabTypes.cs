using System;

namespace Microkernel.Init;

/// <summary>Result of an inittab operation. Every refusal leaves the table unchanged.</summary>
public enum InitTabStatus : byte
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>Register: the table already holds <see cref="InitTab.Capacity"/> entries.</summary>
    TableFull,

    /// <summary>Register: an entry with this name is already registered.</summary>
    DuplicateName,

    /// <summary>Register: the name is empty, longer than <see cref="InitTab.MaxNameLength"/>,
    /// or holds a byte outside printable ASCII, a space or a comma.</summary>
    InvalidName,

    /// <summary>Register: the level is not one of <see cref="InitLevel"/>'s values.</summary>
    InvalidLevel,

    /// <summary>Register: the priority is outside 0 .. <see cref="InitTab.MaxPriority"/>.</summary>
    InvalidPriority,

    /// <summary>Register: the init function pointer is null.</summary>
    MissingInit,

    /// <summary>Register: the dependency list is longer than
    /// <see cref="InitTab.MaxDependencyBytes"/>, names more than
    /// <see cref="InitTab.MaxDependencies"/> entries, or one name is invalid.</summary>
    InvalidDependencies,

    /// <summary>Register or RunInit: init has already started (or shutdown has), so the
    /// order can no longer change.</summary>
    Closed,
}

/// <summary>Where an entry stands.</summary>
public enum InitEntryState : byte
{
    /// <summary>Registered; RunInit has not reached it.</summary>
    Registered = 0,

    /// <summary>Its init function is running (or panicked while running).</summary>
    Running,

    /// <summary>Init returned 0; its term entry is owed.</summary>
    Succeeded,

    /// <summary>Init returned a non-zero code (<see cref="InitOutcome.Code"/>).</summary>
    Failed,

    /// <summary>Not run because of a dependency (<see cref="InitOutcome.SkipReason"/>).</summary>
    Skipped,

    /// <summary>Succeeded earlier and RunTerm has since run (or claimed) its term entry.</summary>
    Terminated,
}

/// <summary>Why an entry was skipped. The dependency named is the first one, in the
/// order the entry listed them, that was not satisfied.</summary>
public enum InitSkipReason : byte
{
    /// <summary>Not skipped.</summary>
    None = 0,

    /// <summary>A dependency's init failed.</summary>
    DependencyFailed,

    /// <summary>A dependency was itself skipped (so the cause is further up the chain).</summary>
    DependencySkipped,

    /// <summary>No entry of that name was registered.</summary>
    DependencyUnknown,

    /// <summary>The dependency runs at the same time or later in the init order
    /// (a higher level or priority, a later registration, itself, or a cycle), so it
    /// cannot have initialised first. The order is never rearranged to fit.</summary>
    DependencyOrder,
}

/// <summary>What happened to one entry (see <see cref="InitTab.TryGetOutcome"/>).</summary>
public struct InitOutcome
{
    /// <summary>The entry's level.</summary>
    public InitLevel Level;

    /// <summary>The entry's priority within the level.</summary>
    public byte Priority;

    /// <summary>Where the entry stands.</summary>
    public InitEntryState State;

    /// <summary>For <see cref="InitEntryState.Skipped"/>: why.</summary>
    public InitSkipReason SkipReason;

    /// <summary>For <see cref="InitEntryState.Failed"/>: the init function's code;
    /// for <see cref="InitEntryState.Terminated"/>: the term function's code.</summary>
    public int Code;

    /// <summary>Position in the order init ran entries (0 = first run), or -1 if its
    /// init function never ran.</summary>
    public int RunIndex;
}

/// <summary>Counts from one <see cref="InitTab.RunInit"/>.</summary>
public struct InitSummary
{
    /// <summary>Entries whose init returned 0.</summary>
    public int Succeeded;

    /// <summary>Entries whose init returned an error code.</summary>
    public int Failed;

    /// <summary>Entries not run because of a dependency.</summary>
    public int Skipped;
}

/// <summary>
/// Receives what the inittab does, as it happens, so the kernel can log
/// <c>init platform/acpi ok</c> or <c>term system/supervisor</c>.
/// </summary>
/// <remarks>An interface taken as a generic <c>struct</c> parameter (<c>ref TObserver</c>)
/// rather than a struct of function pointers: the image gets one specialised copy of
/// RunInit/RunTerm per observer with direct calls (no boxing, no allocation, nothing to
/// set up on a panic path), the observer can carry state (counters, a deadline clock)
/// as ordinary fields, and tests implement it as a plain recording struct. Names are
/// spans into the table: valid only during the call.</remarks>
public interface IInitTabObserver
{
    /// <summary>An init function is about to run.</summary>
    void InitStarting(InitLevel level, ReadOnlySpan<byte> name);

    /// <summary>An init function returned 0.</summary>
    void InitSucceeded(InitLevel level, ReadOnlySpan<byte> name);

    /// <summary>An init function returned <paramref name="code"/> (non-zero).</summary>
    void InitFailed(InitLevel level, ReadOnlySpan<byte> name, int code);

    /// <summary>An entry was not run; <paramref name="dependency"/> is the name of the
    /// first unsatisfied dependency.</summary>
    void InitSkipped(InitLevel level, ReadOnlySpan<byte> name, InitSkipReason reason, ReadOnlySpan<byte> dependency);

    /// <summary>A term function is about to run.</summary>
    void TermStarting(InitLevel level, ReadOnlySpan<byte> name);

    /// <summary>A term function returned <paramref name="code"/> (0 = clean).</summary>
    void TermFinished(InitLevel level, ReadOnlySpan<byte> name, int code);
}

/// <summary>An observer that reports nothing, for paths that must not log (a panic
/// that already holds the console) or do not care.</summary>
public struct SilentInitTabObserver : IInitTabObserver
{
    /// <inheritdoc/>
    public void InitStarting(InitLevel level, ReadOnlySpan<byte> name) { }

    /// <inheritdoc/>
    public void InitSucceeded(InitLevel level, ReadOnlySpan<byte> name) { }

    /// <inheritdoc/>
    public void InitFailed(InitLevel level, ReadOnlySpan<byte> name, int code) { }

    /// <inheritdoc/>
    public void InitSkipped(InitLevel level, ReadOnlySpan<byte> name, InitSkipReason reason, ReadOnlySpan<byte> dependency) { }

    /// <inheritdoc/>
    public void TermStarting(InitLevel level, ReadOnlySpan<byte> name) { }

    /// <inheritdoc/>
    public void TermFinished(InitLevel level, ReadOnlySpan<byte> name, int code) { }
}
