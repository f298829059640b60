using System;
using System.Runtime.InteropServices;
using Microkernel.Ipc;

namespace Microkernel.Ipc.Tests;

/// <summary>A cache-line-aligned native block standing in for a page shared between two address spaces.</summary>
internal sealed unsafe class NativeRegion : IDisposable
{
    public NativeRegion(int capacity, ulong startIndex = 0)
    {
        Capacity = capacity;
        Length = SpscRing.RequiredBytes(capacity);
        if (Length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity));
        }

        Pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Length, 64);
        if (SpscRing.Initialize(Pointer, Length, startIndex) != RingStatus.Ok)
        {
            throw new InvalidOperationException("initialize failed");
        }
    }

    public byte* Pointer { get; private set; }

    public int Length { get; }

    public int Capacity { get; }

    public byte* Data => Pointer + SpscRing.HeaderBytes;

    public Span<byte> Bytes => new Span<byte>(Pointer, Length);

    public ulong Tail
    {
        get => *(ulong*)(Pointer + SpscRing.TailOffset);
        set => *(ulong*)(Pointer + SpscRing.TailOffset) = value;
    }

    public ulong Head
    {
        get => *(ulong*)(Pointer + SpscRing.HeadOffset);
        set => *(ulong*)(Pointer + SpscRing.HeadOffset) = value;
    }

    public SpscProducer Producer() => new SpscProducer(Pointer, Length);

    public SpscConsumer Consumer() => new SpscConsumer(Pointer, Length);

    /// <summary>True when <paramref name="span"/> lies entirely inside the data area.</summary>
    public bool InData(ReadOnlySpan<byte> span)
    {
        fixed (byte* p = span)
        {
            if (span.IsEmpty)
            {
                return true;
            }

            return p >= Data && p + span.Length <= Data + Capacity;
        }
    }

    public void Dispose()
    {
        if (Pointer != null)
        {
            NativeMemory.AlignedFree(Pointer);
            Pointer = null;
        }
    }
}
