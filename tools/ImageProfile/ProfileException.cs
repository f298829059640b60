using System;

namespace ImageProfile;

/// <summary>
/// A failure the tool reports as one line (<c>ImageProfile: error: ...</c>) and a non-zero
/// exit: a marker that never appeared, QEMU that could not be started or exited early, a
/// trace with no instructions, a <c>--per</c> function that is missing or ambiguous.
/// </summary>
public sealed class ProfileException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public ProfileException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-line message and the underlying cause.</summary>
    public ProfileException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public ProfileException() : base("image profile failed") { }
}
