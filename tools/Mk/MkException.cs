using System;

namespace Mk;

/// <summary>An error meant for the user: printed as one line (<c>mk: error: MESSAGE</c>),
/// optionally followed by a <c>  hint:</c> line, never with a stack trace unless
/// <c>--verbose</c> is given.</summary>
public sealed class MkException : Exception
{
    /// <summary>Creates a user-facing error.</summary>
    /// <param name="message">What went wrong, one line.</param>
    /// <param name="hint">What to do about it, or null.</param>
    /// <param name="exitCode">Process exit code to end with (1 = failure, 2 = bad input).</param>
    /// <param name="inner">The underlying exception, shown with <c>--verbose</c>.</param>
    public MkException(string message, string? hint = null, int exitCode = 1, Exception? inner = null)
        : base(message, inner)
    {
        Hint = hint;
        ExitCode = exitCode;
    }

    /// <summary>Creates a user-facing error with exit code 1 and no hint.</summary>
    public MkException() : this("mk failed") { }

    /// <summary>Creates a user-facing error with exit code 1 and no hint.</summary>
    public MkException(string message) : this(message, hint: null) { }

    /// <summary>Creates a user-facing error wrapping an underlying exception.</summary>
    public MkException(string message, Exception inner) : this(message, null, 1, inner) { }

    /// <summary>What to do about the error, printed after it as <c>  hint: ...</c>; null if none.</summary>
    public string? Hint { get; }

    /// <summary>The process exit code the tool ends with.</summary>
    public int ExitCode { get; }
}
