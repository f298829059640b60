using Microkernel.Abi;
using Microkernel.Channels;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>What a handle names.</summary>
internal enum HandleKind : byte
{
    /// <summary>A free slot.</summary>
    None = 0,
    /// <summary>One end of a channel.</summary>
    Channel = 1,
    /// <summary>A child process (the supervisor's).</summary>
    Process = 2,
}

/// <summary>A service process: its address space, its thread, its handles and its
/// start page.</summary>
/// <remarks>
/// Invariants: handles index a fixed table (0 is never valid); a channel end is held
/// by exactly one process at a time (granting moves it); every channel end a process
/// holds is mapped at its own slot address and listed in its start page; ending the
/// process closes every end it holds, so peers blocked in wait wake with EPIPE, never
/// hang; the address space outlives the thread until the parent reaps the process.
/// </remarks>
internal sealed unsafe class ServiceProcess
{
    /// <summary>Handles per process (channel ends and child processes; the start page lists
    /// at most <see cref="StartInfoLayout.MaxEntries"/> channel entries).</summary>
    internal const int MaxHandles = 32;
    /// <summary>Address distance between consecutive channel mappings.</summary>
    internal const ulong ChannelStride = 64 * 1024;

    private struct Handle
    {
        internal HandleKind Kind;
        internal ChannelSide Side;
        internal bool ClosureReported;
        internal int StartEntry;
        internal Channel? Channel;
        internal ServiceProcess? Process;
    }

    private readonly Handle[] _handles = new Handle[MaxHandles];

    /// <summary>One past the highest handle ever taken (it never shrinks): the scans of
    /// wait(0) (notifications, closed peers, any handle left) stop here instead of at
    /// <see cref="MaxHandles"/>; three full scans were ~1,300 instructions of a store get.</summary>
    private int _handleLimit = 1;
    private readonly byte[] _name;
    private int _channelEntries;
    private ulong _startPage;

    internal readonly int Pid;
    internal AddressSpace Space;
    internal LoadedService Image;
    /// <summary>Its thread (<see cref="ThreadId.None"/> before start and after it ends),
    /// kept in its wait set so a peer's notify_wait can hand the CPU to it.</summary>
    internal ThreadId Thread
    {
        get => AnyChannel.Thread;
        set => AnyChannel.Thread = value;
    }

    /// <summary>wait(0)'s wait object: pending when any channel end it holds was notified.</summary>
    internal readonly WaitSet AnyChannel = new WaitSet();

    /// <summary>What process_wait blocks on: its children wake it when they end.</summary>
    internal readonly WaitObject ChildExit = new WaitObject();
    internal long ExitStatus;
    internal bool Started, Exited, Reaped;
    /// <summary>Who may wait for and restart this process (null for kernel-started ones).</summary>
    internal ServiceProcess? Parent;
    /// <summary>The supervisor may create processes and channels and grant them.</summary>
    internal bool IsSupervisor;
    /// <summary>Privileges its manifest grants (the supervisor has all).</summary>
    internal Abi.ProcessRights Rights;

    /// <summary>Asks the process to stop (its waits and sleeps return ESHUTDOWN) or, with
    /// <paramref name="kill"/>, to end at its next kernel entry or ring-3 tick; takes its
    /// thread out of any wait so it notices.</summary>
    internal void RequestStop(bool kill)
    {
        StopRequested = true;
        if (Thread.IsNone)
        {
            return;
        }

        if (kill)
        {
            Threads.Kill(Thread);
        }
        else
        {
            Threads.Interrupt(Thread);
        }
    }

    /// <summary>True when the process holds every right in <paramref name="needed"/>.</summary>
    internal bool Has(Abi.ProcessRights needed) => IsSupervisor || (Rights & needed) == needed;
    /// <summary>Asked to stop (process_stop): its waits and sleeps return ESHUTDOWN.</summary>
    internal bool StopRequested;

    internal ServiceProcess(int pid, System.ReadOnlySpan<byte> name, in LoadedService image)
    {
        Pid = pid;
        Space = image.Space;
        Image = image;
        _name = new byte[name.Length];
        name.CopyTo(_name);
    }

    /// <summary>The service's name (its image's).</summary>
    internal System.ReadOnlySpan<byte> Name => _name;

    /// <summary>Allocates and maps the read-only start page; false when memory is short.</summary>
    internal bool MapStartPage(uint restarts)
    {
        if (!PhysicalMemory.TryAllocate(FramePurpose.Anonymous, out ulong frame))
        {
            return false;
        }

        new System.Span<byte>((void*)frame, 4096).Clear();
        if (Space.MapShared(StartInfoLayout.Address, frame, 1, writable: false) != VmError.None)
        {
            PhysicalMemory.Free(FramePurpose.Anonymous, frame);
            return false;
        }
        _startPage = frame;
        byte* page = (byte*)frame;
        *(uint*)page = StartInfoLayout.Magic;
        *(uint*)(page + 4) = StartInfoLayout.Version;
        *(uint*)(page + StartInfoLayout.RestartsOffset) = restarts;
        *(uint*)(page + StartInfoLayout.PidOffset) = (uint)Pid;
        *(uint*)(page + StartInfoLayout.FlagsOffset) = IsSupervisor ? StartInfoLayout.FlagSupervisor : 0;
        CopyName(page + StartInfoLayout.NameOffset, _name);
        return true;
    }

    /// <summary>Records where the image manifest is mapped (the supervisor's start page).</summary>
    internal void SetManifest(ulong address, ulong length)
    {
        if (_startPage == 0)
        {
            return;
        }

        *(ulong*)(_startPage + StartInfoLayout.ManifestAddressOffset) = address;
        *(ulong*)(_startPage + StartInfoLayout.ManifestLengthOffset) = length;
    }

    /// <summary>Sets the restart count the service reads at start.</summary>
    internal void SetRestarts(uint restarts)
    {
        if (_startPage != 0)
        {
            *(uint*)(_startPage + StartInfoLayout.RestartsOffset) = restarts;
        }
    }

    /// <summary>Adds a handle to a child process; 0 when the table is full.</summary>
    internal int AddProcess(ServiceProcess child)
    {
        int h = FreeSlot();
        if (h == 0)
        {
            return 0;
        }

        _handles[h] = new Handle { Kind = HandleKind.Process, Process = child };
        return h;
    }

    /// <summary>Adds a channel end the caller keeps (not mapped: the supervisor only
    /// passes ends on); 0 when the table is full.</summary>
    internal int AddUnmappedEnd(Channel channel, ChannelSide side)
    {
        int h = FreeSlot();
        if (h == 0)
        {
            return 0;
        }

        _handles[h] = new Handle { Kind = HandleKind.Channel, Channel = channel, Side = side, StartEntry = -1 };
        channel.End(side).Holder = AnyChannel;
        return h;
    }

    /// <summary>Maps a channel end into this process and lists it in the start page
    /// under <paramref name="peerName"/>. With <paramref name="replace"/> non-zero, the
    /// end takes over that existing channel handle and its address (the old end is
    /// closed and unmapped). Returns the handle (EBADF for a bad <paramref name="replace"/>,
    /// EMFILE when the table or start page is full, ENOMEM when mapping fails).</summary>
    internal SystemCallResult GrantChannel(Channel channel, ChannelSide side, System.ReadOnlySpan<byte> peerName, int replace)
    {
        int h, entry;
        if (replace != 0)
        {
            if ((uint)replace >= MaxHandles || _handles[replace].Kind != HandleKind.Channel || _handles[replace].StartEntry < 0)
            {
                return SystemCallResult.Fail(Errno.EBADF);
            }

            h = replace;
            entry = _handles[h].StartEntry;
            // Unmap before closing: closing may free the old rings' frames.
            Space.Unmap(EntryAddress(entry), channel.RegionPages * 4096);
            CloseEnd(h);
        }
        else
        {
            h = FreeSlot();
            if (h == 0 || _channelEntries == StartInfoLayout.MaxEntries)
            {
                return SystemCallResult.Fail(Errno.EMFILE);
            }

            entry = _channelEntries;
        }
        if (Space.MapShared(EntryAddress(entry), channel.Region, channel.RegionPages, writable: true) != VmError.None)
        {
            if (replace != 0)
            {
                _handles[h] = default;
            }

            return SystemCallResult.Fail(Errno.ENOMEM);
        }
        if (replace == 0)
        {
            _channelEntries++;
        }

        _handles[h] = new Handle { Kind = HandleKind.Channel, Channel = channel, Side = side, StartEntry = entry };
        channel.End(side).Holder = AnyChannel;
        WriteEntry(entry, h, side, peerName);
        // A replaced end may have a sleeper: give it a notification to look again.
        channel.Notify(Channel.Peer(side));
        return SystemCallResult.Ok(h);
    }

    /// <summary>Where start entry <paramref name="entry"/>'s rings are mapped.</summary>
    internal static ulong EntryAddress(int entry) => Channel.UserAddress + (ulong)entry * ChannelStride;

    /// <summary>The channel end behind <paramref name="handle"/>, or null.</summary>
    internal Channel? Resolve(ulong handle, out ChannelSide side)
    {
        side = ChannelSide.Client;
        if (handle == 0 || handle >= MaxHandles)
        {
            return null;
        }
        // One bounds check for the three reads: this runs two or three times per call/reply.
        ref Handle entry = ref _handles[(int)handle];
        if (entry.Kind != HandleKind.Channel)
        {
            return null;
        }

        side = entry.Side;
        return entry.Channel;
    }

    /// <summary>The child process behind <paramref name="handle"/>, or null.</summary>
    internal ServiceProcess? ResolveProcess(ulong handle)
    {
        if (handle == 0 || handle >= MaxHandles || _handles[(int)handle].Kind != HandleKind.Process)
        {
            return null;
        }

        return _handles[(int)handle].Process;
    }

    /// <summary>Takes a channel end out of this process's table (granting moves it).</summary>
    internal Channel? TakeEnd(ulong handle, out ChannelSide side)
    {
        Channel? channel = Resolve(handle, out side);
        if (channel == null)
        {
            return null;
        }

        if (_handles[(int)handle].StartEntry >= 0)
        {
            return null; // a mapped end stays where it is
        }

        _handles[(int)handle] = default;
        return channel;
    }

    /// <summary>Closes one handle; false for a bad handle.</summary>
    internal bool Close(ulong handle)
    {
        if (handle == 0 || handle >= MaxHandles || _handles[(int)handle].Kind == HandleKind.None)
        {
            return false;
        }

        if (_handles[(int)handle].Kind == HandleKind.Channel)
        {
            CloseEnd((int)handle);
        }

        _handles[(int)handle] = default;
        return true;
    }

    /// <summary>wait(0)'s check: a channel whose peer closed and was not reported yet,
    /// or 0.</summary>
    internal int TakeUnreportedClosure()
    {
        for (int h = 1; h < _handleLimit; h++)
        {
            ref Handle entry = ref _handles[h];
            if (entry.Kind != HandleKind.Channel || entry.ClosureReported)
            {
                continue;
            }

            if (!entry.Channel!.IsClosed(Channel.Peer(entry.Side)))
            {
                continue;
            }

            entry.ClosureReported = true;
            return h;
        }
        return 0;
    }

    /// <summary>Consumes every pending notification on every end; true if there was one.</summary>
    internal bool TakeNotifications()
    {
        bool any = AnyChannel.TryTake();
        for (int h = 1; h < _handleLimit; h++)
        {
            if (_handles[h].Kind == HandleKind.Channel && _handles[h].Channel!.End(_handles[h].Side).TryTake())
            {
                any = true;
            }
        }

        return any;
    }

    /// <summary>Child handles whose process has ended and is not reaped yet: the first, or 0.
    /// <paramref name="live"/> counts children not reaped.</summary>
    internal int FindEndedChild(ulong only, out int live)
    {
        live = 0;
        int found = 0;
        for (int h = 1; h < _handleLimit; h++)
        {
            if (_handles[h].Kind != HandleKind.Process || (only != 0 && (ulong)h != only))
            {
                continue;
            }

            ServiceProcess child = _handles[h].Process!;
            if (child.Reaped || !child.Started)
            {
                continue;
            }

            live++;
            if (found == 0 && child.Exited && child.Thread.IsNone)
            {
                found = h;
            }
        }
        return found;
    }

    /// <summary>Handles in use (for the process dump).</summary>
    internal int HandleCount()
    {
        int n = 0;
        for (int h = 1; h < _handleLimit; h++)
        {
            if (_handles[h].Kind != HandleKind.None)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Closes every handle; peers wake with EPIPE.</summary>
    internal void CloseAll()
    {
        for (int h = 1; h < _handleLimit; h++)
        {
            if (_handles[h].Kind == HandleKind.Channel)
            {
                CloseEnd(h);
            }

            _handles[h] = default;
        }
    }

    /// <summary>Frees the start page and the address space (after the thread ended).</summary>
    internal void Release()
    {
        Space.Destroy();
        if (_startPage != 0)
        {
            PhysicalMemory.Free(FramePurpose.Anonymous, _startPage);
        }

        _startPage = 0;
    }

    private void CloseEnd(int h)
    {
        Channel channel = _handles[h].Channel!;
        ChannelSide side = _handles[h].Side;
        channel.Close(side);
        channel.ReleaseIfUnused();
    }

    /// <summary>A free handle, or 0; every handle is taken through here, so it also keeps
    /// <see cref="_handleLimit"/>.</summary>
    private int FreeSlot()
    {
        for (int h = 1; h < MaxHandles; h++)
        {
            if (_handles[h].Kind != HandleKind.None)
            {
                continue;
            }

            if (h >= _handleLimit)
            {
                _handleLimit = h + 1;
            }

            return h;
        }
        return 0;
    }

    private void WriteEntry(int entry, int handle, ChannelSide side, System.ReadOnlySpan<byte> peerName)
    {
        if (_startPage == 0)
        {
            return;
        }

        byte* e = (byte*)_startPage + StartInfoLayout.EntriesOffset + entry * StartInfoLayout.EntryBytes;
        *(ulong*)(e + StartInfoLayout.EntryHandle) = (ulong)handle;
        *(ulong*)(e + StartInfoLayout.EntryAddress) = EntryAddress(entry);
        *(uint*)(e + StartInfoLayout.EntrySide) = (uint)side;
        *(uint*)(e + StartInfoLayout.EntryRingBytes) = (uint)Channel.RingRegionBytes;
        *(uint*)(e + StartInfoLayout.EntryReplyOffset) = (uint)Channel.ReplyRingOffset;
        *(uint*)(e + StartInfoLayout.EntryGeneration) += 1;
        CopyName(e + StartInfoLayout.EntryPeerName, peerName);
        *(uint*)((byte*)_startPage + StartInfoLayout.ChannelCountOffset) = (uint)_channelEntries;
    }

    private static void CopyName(byte* to, System.ReadOnlySpan<byte> name)
    {
        int n = System.Math.Min(name.Length, StartInfoLayout.NameBytes - 1);
        for (int i = 0; i < StartInfoLayout.NameBytes; i++)
        {
            to[i] = i < n ? name[i] : (byte)0;
        }
    }
}
