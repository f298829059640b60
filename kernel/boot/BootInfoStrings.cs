using System;

namespace Microkernel.Boot;

/// <summary>
/// Bounded access to NUL-terminated strings in physical memory (command lines). Both
/// boot protocols store strings this way; a missing terminator or a bad pointer must end
/// in a status, never in an unbounded scan.
/// </summary>
public static class BootInfoStrings
{
    private const int Chunk = 64;

    /// <summary>
    /// Finds the length of the NUL-terminated string at <paramref name="address"/>, looking
    /// at no more than <paramref name="maxLength"/> bytes plus the terminator. Returns false
    /// if a byte before the terminator is unreadable or no terminator is found in bounds.
    /// </summary>
    public static bool TryMeasure<TReader>(ref TReader memory, ulong address, ulong maxLength, out ulong length)
        where TReader : struct, IPhysicalMemoryReader
    {
        length = 0;
        Span<byte> buffer = stackalloc byte[Chunk];
        ulong scanned = 0;
        // The terminator may sit at index maxLength, so up to maxLength + 1 bytes are examined.
        while (scanned <= maxLength)
        {
            if (address + scanned < address)
            {
                return false; // wrapped past 2^64
            }

            ulong want = Math.Min((ulong)Chunk, maxLength + 1 - scanned);
            Span<byte> part = buffer.Slice(0, (int)want);
            int readable = part.Length;
            if (!memory.TryRead(address + scanned, part))
            {
                // The chunk straddles the end of readable memory; the string may still end
                // before it, so fall back to single bytes for this chunk only.
                readable = ReadBytewise(ref memory, address + scanned, part);
            }

            for (int i = 0; i < readable; i++)
            {
                if (part[i] == 0)
                {
                    length = scanned + (ulong)i;
                    return true;
                }
            }

            if (readable < part.Length)
            {
                return false;
            }

            scanned += want;
        }

        return false;
    }

    /// <summary>
    /// Records the kernel command line at <paramref name="address"/> in <paramref name="info"/>
    /// when it can be measured; otherwise leaves it absent and adds
    /// <see cref="BootParseStatus.UnreadableCommandLine"/> (a warning) to <paramref name="status"/>.
    /// </summary>
    public static BootParseStatus ReadCommandLine<TReader>(ref TReader memory, ulong address, ref BootInfo info, BootParseStatus status)
        where TReader : struct, IPhysicalMemoryReader
    {
        if (!TryMeasure(ref memory, address, BootInfo.MaxCommandLineLength, out ulong length))
        {
            return BootParseStatusRules.Combine(status, BootParseStatus.UnreadableCommandLine);
        }

        info.CommandLineAddress = address;
        info.CommandLineLength = length;
        return status;
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes of a string into <paramref name="destination"/>.
    /// Returns the number of bytes written, or -1 (writing nothing useful) when the
    /// destination is too small or the bytes are unreadable.
    /// </summary>
    public static int Copy<TReader>(ref TReader memory, ulong address, ulong length, Span<byte> destination)
        where TReader : struct, IPhysicalMemoryReader
    {
        if (length > (ulong)destination.Length)
        {
            return -1;
        }

        if (length == 0)
        {
            return 0;
        }

        Span<byte> target = destination.Slice(0, (int)length);
        if (!memory.TryRead(address, target))
        {
            target.Clear();
            return -1;
        }

        return (int)length;
    }

    private static int ReadBytewise<TReader>(ref TReader memory, ulong address, Span<byte> part)
        where TReader : struct, IPhysicalMemoryReader
    {
        for (int i = 0; i < part.Length; i++)
        {
            if (!memory.TryRead(address + (ulong)i, part.Slice(i, 1)))
            {
                return i;
            }
        }

        return part.Length;
    }
}
