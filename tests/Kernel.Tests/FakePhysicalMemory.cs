using System;
using System.Collections.Generic;
using Microkernel.Boot;

namespace Microkernel.Tests;

/// <summary>
/// Physical memory made of byte arrays placed at realistic addresses. Reads succeed only
/// when every byte falls inside one chunk; any read that would have touched bytes outside
/// is refused and recorded, and a read that succeeded out of bounds would be a bug in the
/// fake itself (checked by <see cref="AssertNoOutOfBoundsSuccess"/>).
/// </summary>
public struct FakePhysicalMemory : IPhysicalMemoryReader
{
    private readonly List<(ulong Base, byte[] Bytes)> _chunks;
    private readonly Counters _counters;

    public FakePhysicalMemory()
    {
        _chunks = new List<(ulong, byte[])>();
        _counters = new Counters();
    }

    public sealed class Counters
    {
        public int Reads;
        public int Refused;
        public int OutOfBoundsSucceeded;
    }

    public readonly int Reads => _counters.Reads;

    public readonly int Refused => _counters.Refused;

    public readonly byte[] Add(ulong baseAddress, int length)
    {
        return Add(baseAddress, new byte[length]);
    }

    public readonly byte[] Add(ulong baseAddress, byte[] bytes)
    {
        foreach ((ulong b, byte[]? existing) in _chunks)
        {
            // Overlapping chunks would make a test read the wrong structure.
            Xunit.Assert.False(baseAddress < b + (ulong)existing.Length && b < baseAddress + (ulong)bytes.Length, "fake memory chunks overlap");
        }

        _chunks.Add((baseAddress, bytes));
        return bytes;
    }

    public readonly bool TryRead(ulong physicalAddress, Span<byte> destination)
    {
        _counters.Reads++;
        ulong length = (ulong)destination.Length;
        if (length > ulong.MaxValue - physicalAddress)
        {
            _counters.Refused++;
            return false;
        }

        foreach ((ulong b, byte[]? bytes) in _chunks)
        {
            if (physicalAddress >= b && physicalAddress - b <= (ulong)bytes.Length && length <= (ulong)bytes.Length - (physicalAddress - b))
            {
                bytes.AsSpan((int)(physicalAddress - b), (int)length).CopyTo(destination);
                if (!Inside(physicalAddress, length))
                {
                    _counters.OutOfBoundsSucceeded++;
                }

                return true;
            }
        }

        _counters.Refused++;
        return false;
    }

    private readonly bool Inside(ulong address, ulong length)
    {
        foreach ((ulong b, byte[]? bytes) in _chunks)
        {
            if (address >= b && address + length <= b + (ulong)bytes.Length)
            {
                return true;
            }
        }

        return false;
    }

    public readonly void AssertNoOutOfBoundsSuccess()
    {
        Xunit.Assert.Equal(0, _counters.OutOfBoundsSucceeded);
    }
}
