using Microkernel.Channels;
using Microkernel.Memory;
using Microkernel.Scheduling;

namespace Microkernel.Process
{
    /// <summary>A running service: its address space, its thread, and its handles.</summary>
    /// <remarks>Handles index a small fixed table; a handle names a channel end, so a
    /// service reaches exactly the channels it was granted at start (handle 1 is the
    /// first grant). Ending the process closes every handle: peers blocked in wait wake
    /// with EPIPE, never hang.</remarks>
    internal sealed class ServiceProcess
    {
        internal const int MaxHandles = 8;

        private readonly Channel?[] _channels = new Channel?[MaxHandles];
        private readonly ChannelSide[] _sides = new ChannelSide[MaxHandles];

        internal readonly int Pid;
        internal readonly AddressSpace Space;
        internal ThreadId Thread;
        internal long ExitStatus;
        internal bool Exited;

        internal ServiceProcess(int pid, AddressSpace space)
        {
            Pid = pid;
            Space = space;
        }

        /// <summary>Grants a channel end; returns the handle, or 0 when the table is full.</summary>
        internal int Grant(Channel channel, ChannelSide side)
        {
            for (int h = 1; h < MaxHandles; h++)
            {
                if (_channels[h] != null) continue;
                _channels[h] = channel;
                _sides[h] = side;
                return h;
            }
            return 0;
        }

        /// <summary>The channel end behind <paramref name="handle"/>, or null for a bad handle.</summary>
        internal Channel? Resolve(ulong handle, out ChannelSide side)
        {
            side = ChannelSide.Client;
            if (handle == 0 || handle >= MaxHandles) return null;
            side = _sides[(int)handle];
            return _channels[(int)handle];
        }

        /// <summary>Closes every handle; returns nothing, wakes every peer.</summary>
        internal void CloseAll()
        {
            for (int h = 1; h < MaxHandles; h++)
            {
                Channel? channel = _channels[h];
                if (channel == null) continue;
                ulong peerKey = channel.Close(_sides[h]);
                Threads.WakeAllClosed(peerKey);
                _channels[h] = null;
                channel.ReleaseIfUnused();
            }
        }
    }
}
