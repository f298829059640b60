using Microkernel.Abi;
using Microkernel.Channels;
using Microkernel.Memory;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>The supervisor's system calls: create channels and processes, grant channel
/// ends, set rights, start, stop and kill.</summary>
/// <remarks>Only the process the kernel started as the supervisor may make them (everyone
/// else gets EPERM; a kernel thread ENOSYS): a service reaches exactly the channels its
/// manifest grants it. Every pointer is range-checked and copied through nofault.</remarks>
internal static unsafe class SupervisorCalls
{
    private const int MaxName = 32;

    /// <summary>channel_create(): both ends to the caller; client handle | server handle &lt;&lt; 32.</summary>
    internal static SystemCallResult ChannelCreate()
    {
        SystemCallResult allowed = Supervisor(out ServiceProcess? supervisor);
        if (supervisor == null)
        {
            return allowed;
        }

        var channel = Channel.Create();
        if (channel == null)
        {
            return SystemCallResult.Fail(Errno.ENOMEM);
        }

        int client = supervisor.AddUnmappedEnd(channel, ChannelSide.Client);
        int server = client == 0 ? 0 : supervisor.AddUnmappedEnd(channel, ChannelSide.Server);
        if (server == 0)
        {
            if (client != 0)
            {
                supervisor.Close((ulong)client);
            }

            return SystemCallResult.Fail(Errno.EMFILE);
        }

        return SystemCallResult.Ok((long)((uint)client | ((ulong)(uint)server << 32)));
    }

    /// <summary>process_create(name, length): a process handle.</summary>
    internal static SystemCallResult ProcessCreate(ulong name, ulong length)
    {
        SystemCallResult result = Supervisor(out ServiceProcess? supervisor);
        if (supervisor == null)
        {
            return result;
        }

        byte* copy = stackalloc byte[MaxName];
        result = UserMemory.CopyIn(copy, name, length, MaxName);
        if (!result.IsOk)
        {
            return result;
        }

        result = Processes.Create(new System.ReadOnlySpan<byte>(copy, (int)length), supervisor, out ServiceProcess? child);
        if (child == null)
        {
            return result;
        }

        int handle = supervisor.AddProcess(child);
        if (handle == 0)
        {
            child.Release();
            return SystemCallResult.Fail(Errno.EMFILE);
        }

        return SystemCallResult.Ok(handle);
    }

    /// <summary>process_grant(process, channel end, peer name | length &lt;&lt; 48, replace):
    /// the handle inside the process.</summary>
    internal static SystemCallResult ProcessGrant(ulong processHandle, ulong channelHandle, ulong peer, ulong replace)
    {
        SystemCallResult result = Supervisor(out ServiceProcess? supervisor);
        if (supervisor == null)
        {
            return result;
        }

        ulong peerLength = peer >> 48, peerAddress = peer & 0xFFFF_FFFF_FFFF;
        byte* name = stackalloc byte[MaxName];
        result = UserMemory.CopyIn(name, peerAddress, peerLength, MaxName);
        if (!result.IsOk)
        {
            return result;
        }

        // Process 0 is the supervisor itself: it keeps an end of its own (its log channel).
        ServiceProcess? target = processHandle == 0 ? supervisor : supervisor.ResolveProcess(processHandle);
        if (target == null || target.Exited || replace >= ServiceProcess.MaxHandles || supervisor.Resolve(channelHandle, out _) == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        Channel? channel = supervisor.TakeEnd(channelHandle, out ChannelSide side);
        if (channel == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        result = target.GrantChannel(channel, side, new System.ReadOnlySpan<byte>(name, (int)peerLength), (int)replace);
        // A refused grant leaves the end with the supervisor, not lost.
        if (!result.IsOk)
        {
            supervisor.AddUnmappedEnd(channel, side);
        }

        return result;
    }

    /// <summary>process_start(process, restarts).</summary>
    internal static SystemCallResult ProcessStart(ulong processHandle, ulong restarts)
    {
        SystemCallResult result = UnstartedChild(processHandle, out ServiceProcess? child);
        if (child == null)
        {
            return result;
        }

        if (restarts > uint.MaxValue)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        return Processes.Start(child, (uint)restarts) ? SystemCallResult.Success : SystemCallResult.Fail(Errno.ENOMEM);
    }

    /// <summary>process_stop(process): the child's waits and sleeps end with ESHUTDOWN.</summary>
    internal static SystemCallResult ProcessStop(ulong processHandle)
    {
        SystemCallResult result = StartedChild(processHandle, out ServiceProcess? child);
        child?.RequestStop(kill: false);
        return result;
    }

    /// <summary>process_kill(process): the child ends at its next kernel entry or tick.</summary>
    internal static SystemCallResult ProcessKill(ulong processHandle)
    {
        SystemCallResult result = StartedChild(processHandle, out ServiceProcess? child);
        child?.RequestStop(kill: true);
        return result;
    }

    /// <summary>process_set_rights(process, rights): before the child starts.</summary>
    internal static SystemCallResult ProcessSetRights(ulong processHandle, ulong rights)
    {
        SystemCallResult result = UnstartedChild(processHandle, out ServiceProcess? child);
        if (child == null)
        {
            return result;
        }

        if ((rights & ~(ulong)ProcessRights.All) != 0)
        {
            return SystemCallResult.Fail(Errno.EINVAL);
        }

        child.Rights = (ProcessRights)rights;
        return SystemCallResult.Success;
    }

    /// <summary>The calling process when it is the supervisor (and success); otherwise null
    /// and EPERM (ENOSYS for a kernel thread, which is no process at all).</summary>
    private static SystemCallResult Supervisor(out ServiceProcess? supervisor)
    {
        ServiceProcess? caller = RunningProcess.Current;
        supervisor = caller != null && caller.IsSupervisor ? caller : null;
        if (supervisor != null)
        {
            return SystemCallResult.Success;
        }

        return SystemCallResult.Fail(caller == null ? Errno.ENOSYS : Errno.EPERM);
    }

    /// <summary>The supervisor's child <paramref name="processHandle"/> before it starts (what
    /// process_start and process_set_rights act on); null with the reason (EPERM/ENOSYS: not the
    /// supervisor; EBADF: no such child; EBUSY: already started).</summary>
    private static SystemCallResult UnstartedChild(ulong processHandle, out ServiceProcess? child)
    {
        SystemCallResult result = Supervisor(out ServiceProcess? supervisor);
        child = supervisor?.ResolveProcess(processHandle);
        if (supervisor == null)
        {
            return result;
        }

        if (child == null)
        {
            return SystemCallResult.Fail(Errno.EBADF);
        }

        if (child.Started)
        {
            child = null;
            return SystemCallResult.Fail(Errno.EBUSY);
        }

        return SystemCallResult.Success;
    }

    /// <summary>The supervisor's started child behind <paramref name="processHandle"/>, or
    /// null with the reason (EPERM/ENOSYS, or EBADF for a bad or unstarted handle).</summary>
    private static SystemCallResult StartedChild(ulong processHandle, out ServiceProcess? child)
    {
        SystemCallResult result = Supervisor(out ServiceProcess? supervisor);
        child = supervisor?.ResolveProcess(processHandle);
        if (supervisor == null)
        {
            return result;
        }

        if (child == null || !child.Started)
        {
            child = null;
            return SystemCallResult.Fail(Errno.EBADF);
        }

        return SystemCallResult.Success;
    }
}
