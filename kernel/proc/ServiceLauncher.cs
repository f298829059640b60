using System;
using Microkernel.Arch;
using Microkernel.Channels;
using Microkernel.Console;
using Microkernel.Scheduling;

namespace Microkernel.Process;

/// <summary>Starts services from inside the kernel, for the in-image suites and
/// benchmarks: load, connect, start, wait, restart. The running system uses the
/// supervisor service instead (services/supervisor, through the process system calls);
/// both sit on <see cref="Processes"/>.</summary>
/// <remarks>A service without channels that ends by a fault or a throw is restarted
/// from its image, at a new random base, up to <see cref="MaxRestarts"/> times with a
/// back-off of 2^n timer ticks, and told its restart count (its start page).</remarks>
internal static class ServiceLauncher
{
    // Slots are never reused within a boot; the in-image suites load about 30 services in all.
    private const int MaxProcesses = 48;

    /// <summary>Restarts of one service before the launcher gives up on it.</summary>
    internal const int MaxRestarts = 3;

    private struct Slot
    {
        internal ServiceProcess? Process;
        internal int Restarts;
        internal bool HasChannels;
        /// <summary>Timer tick at which a failed service is loaded again (0: none due).</summary>
        internal ulong RestartAt;
        internal long LastStatus;
        internal bool Finished;
    }

    private static readonly Slot[] s_slots = new Slot[MaxProcesses];
    private static int s_count;

    /// <summary>Slots in use so far (the next Load returns this one).</summary>
    internal static int SlotCount => s_count;

    /// <summary>Loads the carried service called <paramref name="name"/> as a new
    /// process (not started), flagged as a supervisor when <paramref name="asSupervisor"/>
    /// (for tests of the supervisor's calls); its slot, or -1 when it was refused.</summary>
    internal static int LoadByName(ReadOnlySpan<byte> name, bool asSupervisor = false)
    {
        if (s_count == MaxProcesses)
        {
            return -1;
        }

        Processes.Create(name, null, out ServiceProcess? process, asSupervisor);
        if (process == null)
        {
            return -1;
        }

        s_slots[s_count] = new Slot { Process = process };
        return s_count++;
    }

    /// <summary>Gives the (not yet started) process of <paramref name="slot"/> the rights a
    /// manifest's <c>rights:</c> would (log-read, log-export, power), as the supervisor's
    /// process_set_rights does.</summary>
    internal static void SetRights(int slot, Abi.ProcessRights rights) => s_slots[slot].Process!.Rights = rights;

    /// <summary>Creates a channel and grants its client end to one slot, its server end
    /// to the other (each lists the other by name in its start page).</summary>
    internal static bool Connect(int clientSlot, int serverSlot)
    {
        var channel = Channel.Create();
        if (channel == null)
        {
            return false;
        }

        ServiceProcess client = s_slots[clientSlot].Process!, server = s_slots[serverSlot].Process!;
        s_slots[clientSlot].HasChannels = s_slots[serverSlot].HasChannels = true;
        return client.GrantChannel(channel, ChannelSide.Client, server.Name, 0).IsOk
            && server.GrantChannel(channel, ChannelSide.Server, client.Name, 0).IsOk;
    }

    /// <summary>Grants <paramref name="clientSlot"/> the client end of a channel whose
    /// server is already gone (for tests of a dead peer).</summary>
    internal static bool ConnectToClosed(int clientSlot)
    {
        var channel = Channel.Create();
        if (channel == null)
        {
            return false;
        }

        channel.Close(ChannelSide.Server);
        s_slots[clientSlot].HasChannels = true;
        return s_slots[clientSlot].Process!.GrantChannel(channel, ChannelSide.Client, "echo-server"u8, 0).IsOk;
    }

    /// <summary>Gives the process of <paramref name="slot"/> a thread and makes it ready.</summary>
    internal static bool Start(int slot) => Processes.Start(s_slots[slot].Process!, (uint)s_slots[slot].Restarts);

    /// <summary>Runs ready threads until every process from <paramref name="firstSlot"/>
    /// on has ended for good (restarting failed channel-less ones), and reaps them.</summary>
    internal static void WaitForAll(int firstSlot)
    {
        while (true)
        {
            Threads.RunReadyThreads();
            bool allFinished = true;
            for (int slot = firstSlot; slot < s_count; slot++)
            {
                Step(ref s_slots[slot]);
                if (!s_slots[slot].Finished)
                {
                    allFinished = false;
                }
            }
            if (allFinished)
            {
                break;
            }

            Cpu.EnableInterruptsAndHalt();
        }
    }

    /// <summary>Runs ready threads until the process in <paramref name="slot"/> ended for good.</summary>
    internal static void WaitFor(int slot)
    {
        while (true)
        {
            Threads.RunReadyThreads();
            Step(ref s_slots[slot]);
            if (s_slots[slot].Finished)
            {
                return;
            }

            Cpu.EnableInterruptsAndHalt();
        }
    }

    /// <summary>Asks the process in <paramref name="slot"/> to stop (its waits and sleeps
    /// return ESHUTDOWN), as the supervisor does at shutdown.</summary>
    internal static void Stop(int slot)
    {
        s_slots[slot].Process!.RequestStop(kill: false);
    }

    /// <summary>The exit status of the process in <paramref name="slot"/> (its last run).</summary>
    internal static long StatusOf(int slot) => s_slots[slot].LastStatus;

    /// <summary>How many times the service in <paramref name="slot"/> was restarted.</summary>
    internal static int RestartsOf(int slot) => s_slots[slot].Restarts;

    /// <summary>Advances one slot: reap an ended run, schedule or perform a restart.</summary>
    private static void Step(ref Slot s)
    {
        if (s.Finished)
        {
            return;
        }

        ServiceProcess process = s.Process!;
        if (s.RestartAt != 0)
        {
            if (LocalApic.Ticks < s.RestartAt)
            {
                return;
            }

            s.RestartAt = 0;
            Processes.Create(process.Name, null, out ServiceProcess? fresh);
            if (fresh == null || !Processes.Start(fresh, (uint)s.Restarts)) { s.Finished = true; return; }
            s.Process = fresh;
            return;
        }
        if (!process.Exited || !process.Thread.IsNone)
        {
            return;
        }

        s.LastStatus = process.ExitStatus;
        Processes.Reap(process);
        bool failed = s.LastStatus < 0;
        if (!failed || s.HasChannels || s.Restarts == MaxRestarts) { s.Finished = true; return; }
        s.Restarts++;
        ulong backoff = 1UL << s.Restarts;
        LogLine line = Log.Begin(LogLevel.Warning, "proc"u8);
        line.Text("service "u8); line.Text(process.Name);
        line.Text(" pid="u8); line.Decimal(process.Pid);
        line.Text(" failed with status "u8); line.Decimal(s.LastStatus);
        line.Text("; restart "u8); line.Decimal(s.Restarts);
        line.Text(" of "u8); line.Decimal(MaxRestarts);
        line.Text(" in "u8); line.Decimal((long)backoff);
        line.Text(" ticks"u8);
        line.End();
        s.RestartAt = LocalApic.Ticks + backoff;
    }
}
