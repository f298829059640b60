using System;

namespace CrashSymbolizer;

/// <summary>
/// The file given with <c>--elf</c> is missing, unreadable, or not a well-formed
/// ELF64 little-endian image. The message is a single line meant for the user.
/// </summary>
public sealed class ElfFormatException : Exception
{
    /// <summary>Creates the exception with a one-line, user-facing message.</summary>
    public ElfFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public ElfFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Required by the analyzers; prefer the message constructors.</summary>
    public ElfFormatException() : base("invalid ELF file") { }
}
