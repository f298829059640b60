using System;
using System.Runtime.InteropServices;
using Microkernel.Scheduling;

namespace Microkernel.Tests;

/// <summary>A scheduler over unmanaged storage (as the kernel gives it), filled with junk
/// first to prove Initialize needs no zeroed memory.</summary>
public sealed unsafe class SchedHarness : IDisposable
{
    private readonly ThreadRecord* _records;
    private readonly RunQueue* _queues;

    /// <summary>The scheduler under test; call it as <c>h.S.Method(...)</c>.</summary>
    public Scheduler S;

    public SchedHarness(int capacity, int cpus, int timeslice)
    {
        _records = (ThreadRecord*)NativeMemory.Alloc((nuint)capacity, (nuint)sizeof(ThreadRecord));
        _queues = (RunQueue*)NativeMemory.Alloc((nuint)cpus, (nuint)sizeof(RunQueue));
        new Span<byte>(_records, capacity * sizeof(ThreadRecord)).Fill(0xA5);
        new Span<byte>(_queues, cpus * sizeof(RunQueue)).Fill(0x5A);
        SchedStatus status = S.Initialize(_records, capacity, _queues, cpus, timeslice);
        if (status != SchedStatus.Ok)
        {
            throw new InvalidOperationException("Initialize: " + status);
        }
    }

    public ThreadId Create(int priority, int cpu = 0)
    {
        Check(S.Create(priority, cpu, out ThreadId id));
        return id;
    }

    public ThreadId Spawn(int priority, int cpu = 0)
    {
        ThreadId id = Create(priority, cpu);
        Check(S.Start(id, out _));
        return id;
    }

    public ThreadInfo Info(ThreadId id)
    {
        Check(S.Query(id, out ThreadInfo info));
        return info;
    }

    public void AssertValid()
    {
        int code = S.Validate();
        if (code != 0)
        {
            throw new InvalidOperationException("Validate failed check " + code);
        }
    }

    public static void Check(SchedStatus status)
    {
        if (status != SchedStatus.Ok)
        {
            throw new InvalidOperationException("status " + status);
        }
    }

    public void Dispose()
    {
        NativeMemory.Free(_records);
        NativeMemory.Free(_queues);
    }
}
