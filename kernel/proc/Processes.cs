using System;
using Microkernel.Abi;
using Microkernel.Arch;
using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>The process table and a process's life: create from a carried image,
/// start on a thread of its own, end (exit, fault or throw), and be reaped by its parent.</summary>
/// <remarks>
/// Invariants: pids are never reused; a process is in the table from create to reap;
/// its address space is destroyed only at reap, after its thread has finished and
/// left that space (so no CPU still runs on its tables); the parent is woken once per
/// child that ends.
/// </remarks>
internal static class Processes
{
    /// <summary>Processes alive at once (created and not yet reaped).</summary>
    internal const int Capacity = 48;
    /// <summary>Thread priority of services (the scheduler's 0..31; larger runs first).</summary>
    internal const int ServicePriority = 10;

    private static readonly ServiceProcess?[] s_table = new ServiceProcess?[Capacity];
    private static int s_nextPid = 1;

    /// <summary>Processes created since boot.</summary>
    internal static int Created;

    /// <summary>Loads the carried image <paramref name="name"/> into a fresh address space
    /// with its start page (flagged as the supervisor's when <paramref name="supervisor"/>);
    /// <paramref name="process"/> is the process (not started), or null and the result
    /// says why (ENOENT, ENOEXEC, ENOMEM, EMFILE).</summary>
    internal static SystemCallResult Create(System.ReadOnlySpan<byte> name, ServiceProcess? parent, out ServiceProcess? process, bool supervisor = false)
    {
        process = null;
        int index = ServiceImages.Find(name);
        if (index < 0)
        {
            return SystemCallResult.Fail(Errno.ENOENT);
        }

        int slot = FreeSlot();
        if (slot < 0)
        {
            return SystemCallResult.Fail(Errno.EMFILE);
        }

        ServiceImages.Get(index, out System.ReadOnlySpan<byte> imageName, out System.ReadOnlySpan<byte> elf);
        AddressSpace? previous = AddressSpace.Current;
        SystemCallResult loaded = ServiceLoader.Load(imageName, elf, out LoadedService image);
        Restore(previous);
        if (!loaded.IsOk)
        {
            return loaded;
        }

        var created = new ServiceProcess(s_nextPid++, imageName, in image);
        created.Parent = parent;
        created.IsSupervisor = supervisor;
        if (!created.MapStartPage(0))
        {
            created.Release();
            return SystemCallResult.Fail(Errno.ENOMEM);
        }
        s_table[slot] = created;
        Created++;
        process = created;
        return SystemCallResult.Success;
    }

    /// <summary>Gives <paramref name="process"/> its thread and makes it ready; logs
    /// <c>service NAME pid=N base=0xADDR</c>. False when already started or out of threads.</summary>
    internal static unsafe bool Start(ServiceProcess process, uint restarts)
    {
        if (process.Started)
        {
            return false;
        }

        process.SetRestarts(restarts);
        ThreadId thread = Threads.Create(&ProcessThread, (ulong)process.Pid, ServicePriority, process.Space);
        if (thread.IsNone)
        {
            return false;
        }

        process.Thread = thread;
        process.Started = true;
        ServiceRecords.Started(process.Name);
        RunningProcess.Bind(thread, process);
        LogLine line = Log.Begin(LogLevel.Info, "proc"u8);
        line.Text("service "u8); line.Text(process.Name);
        line.Text(" pid="u8); line.Decimal(process.Pid);
        line.Text(" base="u8); line.Address(process.Image.Base);
        line.End();
        return Threads.Start(thread);
    }

    /// <summary>Frees an ended process (its thread finished): address space, start page,
    /// table slot. Logs <c>service NAME pid=N exited with status S</c>.</summary>
    internal static void Reap(ServiceProcess process)
    {
        if (process.Reaped)
        {
            return;
        }

        process.Reaped = true;
        ServiceRecords.Ended(process.Name, process.ExitStatus);
        if (!process.IsSupervisor)
        {
            Power.Shutdown.CountStopped(process.ExitStatus);
        }

        LogLine line = Log.Begin(process.ExitStatus < 0 ? LogLevel.Warning : LogLevel.Info, "proc"u8);
        line.Text("service "u8); line.Text(process.Name);
        line.Text(" pid="u8); line.Decimal(process.Pid);
        line.Text(" exited with status "u8); line.Decimal(process.ExitStatus);
        line.End();
        process.Release();
        for (int i = 0; i < Capacity; i++)
        {
            if (s_table[i] == process)
            {
                s_table[i] = null;
            }
        }
    }

    /// <summary>The process with <paramref name="pid"/>, or null.</summary>
    internal static ServiceProcess? Find(int pid)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (s_table[i] != null && s_table[i]!.Pid == pid)
            {
                return s_table[i];
            }
        }

        return null;
    }

    /// <summary>Asks every started process to end now (the shutdown's last resort).</summary>
    internal static void KillAll()
    {
        for (int i = 0; i < Capacity; i++)
        {
            ServiceProcess? p = s_table[i];
            if (p == null || p.Exited || !p.Started)
            {
                continue;
            }

            p.RequestStop(kill: true);
        }
    }

    /// <summary>Processes of service <paramref name="name"/> started and not yet ended.</summary>
    internal static int RunningNamed(System.ReadOnlySpan<byte> name)
    {
        int n = 0;
        for (int i = 0; i < Capacity; i++)
        {
            ServiceProcess? p = s_table[i];
            if (p != null && p.Started && !p.Exited && p.Name.SequenceEqual(name))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Processes started and not yet ended.</summary>
    internal static int LiveCount()
    {
        int n = 0;
        for (int i = 0; i < Capacity; i++)
        {
            if (s_table[i] != null && s_table[i]!.Started && !s_table[i]!.Exited)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Logs one line per process (the debug system call's dump).</summary>
    internal static void Dump()
    {
        for (int i = 0; i < Capacity; i++)
        {
            ServiceProcess? p = s_table[i];
            if (p == null)
            {
                continue;
            }

            LogLine line = Log.Begin(LogLevel.Info, "proc"u8);
            line.Text("pid="u8); line.Decimal(p.Pid);
            line.Text(" name="u8); line.Text(p.Name);
            line.Text(" state="u8); line.Text(p.Exited ? "ended"u8 : p.Started ? "running"u8 : "created"u8);
            line.Text(" handles="u8); line.Decimal(p.HandleCount());
            line.Text(" resident_kib="u8); line.Decimal((long)(p.Space.ResidentPages * 4));
            if (p.Exited) { line.Text(" status="u8); line.Decimal(p.ExitStatus); }
            line.End();
        }
    }

    /// <summary>Runs the service until it ends, then: closes its handles (peers see
    /// EPIPE), leaves its address space, and wakes its parent.</summary>
    private static void ProcessThread(ulong pid)
    {
        ServiceProcess? process = Find((int)pid);
        if (process == null)
        {
            return;
        }

        long status = UserMode.Run(process.Image.Entry, process.Image.StackTop, StartInfoLayout.Address, 0, 0);
        Finish(process, status);
    }

    /// <summary>The end of a process's thread: mark it ended and tell the parent.</summary>
    internal static void Finish(ServiceProcess process, long status)
    {
        if (!process.Exited)
        {
            process.Exited = true;
            process.ExitStatus = status;
            process.CloseAll();
        }
        // Off the process's tables before anyone can destroy them.
        Threads.LeaveSpace();
        RunningProcess.Bind(Threads.Current, null);
        process.Thread = ThreadId.None;
        if (process.Parent != null)
        {
            process.Parent.ChildExit.WakeOne();
        }
        // Nobody waits for the supervisor: it reaps itself (now off its own tables).
        else if (process.IsSupervisor)
        {
            Reap(process);
        }
    }

    private static void Restore(AddressSpace? previous)
    {
        Threads.UseSpace(previous);
    }

    private static int FreeSlot()
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (s_table[i] == null)
            {
                return i;
            }
        }

        return -1;
    }
}
