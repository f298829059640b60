using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Supervision;

/// <summary>The first user process. Reads the image manifest from its start page,
/// creates every service's process, grants each exactly the channels its manifest
/// names, starts them in manifest (dependency) order, then waits: a service that ends
/// is restarted per its policy with a doubling back-off, and its channels are rebuilt
/// so its peers reconnect (their calls in flight failed with EPIPE, never hung).</summary>
internal static unsafe class Supervisor
{
    /// <summary>Back-off before the first restart; doubles with each further one.</summary>
    private const ulong FirstBackoffNanoseconds = 10_000_000;

    private static ServicePlan[] s_plans = new ServicePlan[0];
    private static ServiceState[] s_states = new ServiceState[0];
    private static ChannelLink[] s_links = new ChannelLink[0];
    private static int s_linkCount;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.IsSupervisor)
        {
            return Fail("not started as the supervisor"u8, -1);
        }

        if (!ImageManifest.TryRead(StartInfo.Manifest, out s_plans, out string reason))
        {
            var line = ServiceLogLine.Begin("the manifest is malformed: "u8);
            line.Ascii(reason);
            line.Send();
            return -2;
        }
        s_states = new ServiceState[s_plans.Length];
        s_links = new ChannelLink[CountLinks()];
        for (int i = 0; i < s_plans.Length; i++)
        {
            s_states[i] = new ServiceState();
        }

        // klog depends on the supervisor (started, stopped, restarted by it): log without
        // ever waiting for klog's answer.
        ServiceLog.NeverWait = true;
        for (int i = 0; i < s_plans.Length; i++)
        {
            Create(i);
        }

        for (int i = 0; i < s_plans.Length; i++)
        {
            for (int n = 0; n < s_plans[i].Servers.Length; n++)
            {
                Link(i, s_plans[i].Servers[n]);
            }
        }

        LinkLog(0);
        int started = 0;
        for (int i = 0; i < s_plans.Length; i++)
        {
            if (StartService(i))
            {
                started++;
            }
        }

        SystemCall.Debug(DebugOperation.Ready, (ulong)started);

        if (!Watch())
        {
            // Process 1 stays until the system goes down: it is who stops things then.
            ServiceLogLine.Begin("every service has ended; waiting for shutdown"u8).Send();
            while (SystemCall.Sleep(3_600_000_000_000) != -Errno.ESHUTDOWN) { }
        }
        StopAll();
        return 0;
    }

    /// <summary>Waits for services to end and applies their restart policy, until
    /// nothing is left to wait for (false) or the system is shutting down (true).</summary>
    private static bool Watch()
    {
        while (true)
        {
            long handle = SystemCall.ProcessWait(0, out long status);
            if (handle == -Errno.ESHUTDOWN)
            {
                return true;
            }

            if (handle == -Errno.ECHILD)
            {
                return false;
            }

            if (handle < 0) { Fail("wait failed"u8, handle); return false; }
            int index = IndexOfHandle((ulong)handle);
            if (index < 0)
            {
                continue;
            }

            ServiceState state = s_states[index];
            state.Handle = 0;
            state.Ended = true;
            if (!ShouldRestart(index, status))
            {
                var done = ServiceLogLine.Begin(""u8);
                done.Text(s_plans[index].Name); done.Text(" ended with status "u8); done.Decimal(status);
                done.Text(state.Restarts > 0 && status < 0 ? "; no restarts left"u8 : ""u8);
                done.Send();
                continue;
            }
            Restart(index, status);
        }
    }

    /// <summary>abi ProcessRights.LogRead: marks the log service, stopped last.</summary>
    private const ulong LogReadRight = (ulong)ProcessRights.LogRead;

    /// <summary>How long a service may take to stop before it is killed.</summary>
    private const ulong StopDeadlineNanoseconds = 2_000_000_000;

    /// <summary>The shutdown: asks each running service to stop, in reverse start order,
    /// waiting for each up to its deadline and killing it after; logs every step.</summary>
    private static void StopAll()
    {
        ServiceLogLine.Begin("shutting down: stopping services in reverse start order, the log service last"u8).Send();
        // Pass 0: everything but the log service (the holder of log-read), in reverse
        // start order; pass 1: the log service, so every other stop reaches its export.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = s_plans.Length - 1; i >= 0; i--)
            {
                ServiceState state = s_states[i];
                bool isLogService = (s_plans[i].Rights & LogReadRight) != 0;
                if (state.Handle == 0 || isLogService != (pass == 1))
                {
                    continue;
                }

                long started = SystemCall.ClockNanoseconds();
                SystemCall.ProcessStop(state.Handle);
                long result = SystemCall.ProcessWait(state.Handle, out long status, StopDeadlineNanoseconds);
                bool forced = result == -Errno.ETIMEDOUT;
                if (forced)
                {
                    SystemCall.ProcessKill(state.Handle);
                    result = SystemCall.ProcessWait(state.Handle, out status, StopDeadlineNanoseconds);
                }
                long ms = (SystemCall.ClockNanoseconds() - started) / 1_000_000;
                var line = ServiceLogLine.Begin("stopped "u8);
                line.Text(s_plans[i].Name);
                line.Text(forced ? " (ignored the stop request; killed) after "u8 : " after "u8);
                line.Decimal(ms); line.Text(" ms, status "u8); line.Decimal(result < 0 ? result : status);
                line.Send();
                state.Handle = 0;
            }
        }
        // Anything that ended on its own meanwhile is reaped too.
        while (SystemCall.ProcessWait(0, out _, 100_000_000) > 0) { }
        ServiceLogLine.Begin("every service stopped"u8).Send();
    }

    private static bool ShouldRestart(int index, long status)
    {
        ServicePlan plan = s_plans[index];
        if (s_states[index].Restarts >= plan.MaxRestarts)
        {
            return false;
        }

        return plan.Restart == RestartPolicy.Always || (plan.Restart == RestartPolicy.OnFailure && status < 0);
    }

    private static void Restart(int index, long status)
    {
        ServiceState state = s_states[index];
        state.Restarts++;
        ulong backoff = FirstBackoffNanoseconds << (state.Restarts - 1);
        var line = ServiceLogLine.Begin(""u8);
        line.Text(s_plans[index].Name); line.Text(" ended with status "u8); line.Decimal(status);
        line.Text("; restart "u8); line.Decimal(state.Restarts); line.Text(" of "u8); line.Decimal(s_plans[index].MaxRestarts);
        line.Text(" in "u8); line.Decimal((long)(backoff / 1_000_000)); line.Text(" ms"u8);
        line.Send();
        SystemCall.Sleep(backoff);
        if (!Create(index))
        {
            return;
        }
        // Rebuild every channel of this service: the peer's handle is reconnected in place.
        for (int l = 0; l < s_linkCount; l++)
        {
            ref ChannelLink link = ref s_links[l];
            if (link.Client == index || link.Server == index)
            {
                Relink(ref link, index);
            }
        }
        if (index == s_logService)
        {
            LinkLog(s_logHandle);
        }

        StartService(index);
    }

    private static bool Create(int index)
    {
        ServiceState state = s_states[index];
        long handle = SystemCall.ProcessCreate(s_plans[index].Name);
        if (handle < 0)
        {
            var line = ServiceLogLine.Begin("cannot create "u8);
            line.Text(s_plans[index].Name); line.Text(": errno "u8); line.Decimal(-handle);
            line.Send();
            state.Handle = 0;
            state.Ended = true;
            return false;
        }
        state.Handle = (ulong)handle;
        state.Ended = false;
        if (s_plans[index].Rights != 0 && SystemCall.ProcessSetRights(state.Handle, s_plans[index].Rights) != 0)
        {
            Fail("cannot grant rights"u8, index);
        }

        return true;
    }

    private static bool StartService(int index)
    {
        ServiceState state = s_states[index];
        if (state.Handle == 0)
        {
            return false;
        }

        long result = SystemCall.ProcessStart(state.Handle, (ulong)state.Restarts);
        if (result == 0)
        {
            return true;
        }

        var line = ServiceLogLine.Begin("cannot start "u8);
        line.Text(s_plans[index].Name); line.Text(": errno "u8); line.Decimal(-result);
        line.Send();
        return false;
    }

    /// <summary>The log service (the holder of the log-read right), -1 if the image has none.</summary>
    private static int s_logService = -1;
    /// <summary>The supervisor's own end of its channel to the log service (0: none).</summary>
    private static ulong s_logHandle;

    /// <summary>A channel from the supervisor itself to the log service: the server end to
    /// the log service (peer "supervisor"), the client end kept here (process 0 of
    /// process_grant), listed in the supervisor's own start page under the service's name,
    /// where <see cref="ServiceLog"/> finds it. After a restart of the log service it takes
    /// over <paramref name="replace"/>, the old end.</summary>
    private static void LinkLog(ulong replace)
    {
        if (s_logService < 0)
        {
            for (int i = 0; i < s_plans.Length; i++)
            {
                if ((s_plans[i].Rights & LogReadRight) != 0) { s_logService = i; break; }
            }

            if (s_logService < 0)
            {
                return;
            }
        }
        if (s_states[s_logService].Handle == 0)
        {
            return;
        }

        long ends = SystemCall.ChannelCreate();
        if (ends < 0)
        {
            return; // logging falls back to the kernel
        }

        ulong clientEnd = (ulong)(ends & 0xFFFF_FFFF), serverEnd = (ulong)(ends >> 32);
        if (SystemCall.ProcessGrant(s_states[s_logService].Handle, serverEnd, "supervisor"u8, 0) <= 0)
        {
            SystemCall.Close(serverEnd);
            SystemCall.Close(clientEnd);
            return;
        }
        long mine = SystemCall.ProcessGrant(0, clientEnd, s_plans[s_logService].Name, replace);
        if (mine <= 0) { SystemCall.Close(clientEnd); return; }
        s_logHandle = (ulong)mine;
    }

    /// <summary>A channel from client <paramref name="client"/> to server <paramref name="server"/>.</summary>
    private static void Link(int client, int server)
    {
        ref ChannelLink link = ref s_links[s_linkCount++];
        link.Client = client;
        link.Server = server;
        if (s_states[client].Handle == 0 || s_states[server].Handle == 0)
        {
            return;
        }

        long ends = SystemCall.ChannelCreate();
        if (ends < 0) { Fail("no channel"u8, ends); return; }
        link.ClientHandle = Grant(client, (ulong)(ends & 0xFFFF_FFFF), server, 0);
        link.ServerHandle = Grant(server, (ulong)(ends >> 32), client, 0);
    }

    /// <summary>Gives <paramref name="restarted"/>'s side of a link a fresh channel and
    /// reconnects the peer's existing handle to it (if the peer still runs).</summary>
    private static void Relink(ref ChannelLink link, int restarted)
    {
        int peer = link.Client == restarted ? link.Server : link.Client;
        long ends = SystemCall.ChannelCreate();
        if (ends < 0) { Fail("no channel"u8, ends); return; }
        ulong clientEnd = (ulong)(ends & 0xFFFF_FFFF), serverEnd = (ulong)(ends >> 32);
        bool peerAlive = s_states[peer].Handle != 0;
        if (link.Client == restarted)
        {
            link.ClientHandle = Grant(restarted, clientEnd, peer, 0);
            if (peerAlive)
            {
                link.ServerHandle = Grant(peer, serverEnd, restarted, link.ServerHandle);
            }
            else
            {
                SystemCall.Close(serverEnd);
            }
        }
        else
        {
            link.ServerHandle = Grant(restarted, serverEnd, peer, 0);
            if (peerAlive)
            {
                link.ClientHandle = Grant(peer, clientEnd, restarted, link.ClientHandle);
            }
            else
            {
                SystemCall.Close(clientEnd);
            }
        }
    }

    private static ulong Grant(int to, ulong end, int peer, ulong replace)
    {
        long handle = SystemCall.ProcessGrant(s_states[to].Handle, end, s_plans[peer].Name, replace);
        if (handle > 0)
        {
            return (ulong)handle;
        }

        var line = ServiceLogLine.Begin("cannot grant "u8);
        line.Text(s_plans[to].Name); line.Text(" a channel to "u8); line.Text(s_plans[peer].Name);
        line.Text(": errno "u8); line.Decimal(-handle);
        line.Send();
        SystemCall.Close(end);
        return 0;
    }

    private static int CountLinks()
    {
        int n = 0;
        for (int i = 0; i < s_plans.Length; i++)
        {
            n += s_plans[i].Servers.Length;
        }

        return n;
    }

    private static int IndexOfHandle(ulong handle)
    {
        for (int i = 0; i < s_states.Length; i++)
        {
            if (s_states[i].Handle == handle)
            {
                return i;
            }
        }

        return -1;
    }

    private static int Fail(System.ReadOnlySpan<byte> message, long code)
    {
        var line = ServiceLogLine.Begin(message);
        line.Text(" ("u8); line.Decimal(code); line.Text(")"u8);
        line.Send();
        return (int)code;
    }

    /// <summary>What the supervisor tracks per service.</summary>
    private sealed class ServiceState
    {
        internal ulong Handle;
        internal int Restarts;
        internal bool Ended;
    }

    /// <summary>A granted channel and the handle each side holds (for reconnecting).</summary>
    private struct ChannelLink
    {
        internal int Client, Server;
        internal ulong ClientHandle, ServerHandle;
    }
}
