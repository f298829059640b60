using System;

namespace Microkernel.Boot;

/// <summary>
/// Read access to physical memory for the boot parsers. The parsers never dereference a
/// loader-supplied pointer directly: every byte goes through <see cref="TryRead"/>, so a
/// corrupt pointer becomes a status code instead of a fault, and host tests can supply a
/// fake physical memory that checks every access.
/// </summary>
/// <remarks>
/// Parsers take the reader as a generic <c>struct</c> parameter (<c>ref TReader</c>) so the
/// image gets one specialised copy per reader with direct calls: no boxing and no runtime
/// generic dictionary lookups.
/// </remarks>
public interface IPhysicalMemoryReader
{
    /// <summary>
    /// Copies <c>destination.Length</c> bytes starting at <paramref name="physicalAddress"/>.
    /// Returns false, and may leave <paramref name="destination"/> partly written, if any
    /// byte of the range is outside readable memory or the range wraps past 2^64.
    /// </summary>
    bool TryRead(ulong physicalAddress, Span<byte> destination);
}
