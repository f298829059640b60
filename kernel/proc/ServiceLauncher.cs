using System;
using Microkernel.Arch;
using Microkernel.Channels;
using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Scheduling;

namespace Microkernel.Process
{
    /// <summary>Starts services as processes, each with its own address space and thread,
    /// grants channels between them, and waits for them to finish.</summary>
    /// <remarks>Partial supervisor: the grants are fixed here (echo-client ↔ echo-server)
    /// until the manifest names them. A service without channels that ends by a fault or
    /// a throw is restarted from its image, at a new random base, up to
    /// <see cref="MaxRestarts"/> times with a doubling back-off, and told its restart
    /// count; a service holding channels is not restarted (its peers saw EPIPE). Logs
    /// <c>service NAME pid=N base=0xADDR</c> per start and
    /// <c>service NAME pid=N exited with status S</c> per end.</remarks>
    internal static class ServiceLauncher
    {
        private const int MaxProcesses = 16;

        /// <summary>Restarts of one service before the launcher gives up on it.</summary>
        internal const int MaxRestarts = 3;

        private struct Slot
        {
            internal ServiceProcess? Process;
            internal LoadedService Image;
            internal ulong Argument0, Argument1, Argument2;
            internal int NameIndex;
            internal int Restarts;
            internal bool HasChannels;
            /// <summary>The thread is done: the service ended and will not be restarted.</summary>
            internal bool Finished;
        }

        private static readonly Slot[] s_slots = new Slot[MaxProcesses];
        private static int s_count;
        private static int s_nextPid = 1;

        /// <summary>Starts every carried service (wiring the echo pair with a channel) and
        /// returns when all have ended. Returns how many were started.</summary>
        internal static int RunAll()
        {
            int first = s_count;
            int client = -1, server = -1;
            for (int i = 0; i < ServiceImages.Count; i++)
            {
                ServiceImages.Get(i, out System.ReadOnlySpan<byte> name, out _);
                int slot = Load(i);
                if (slot < 0) continue;
                if (name.SequenceEqual("echo-client"u8)) client = slot;
                if (name.SequenceEqual("echo-server"u8)) server = slot;
            }
            if (client >= 0 && server >= 0) Connect(client, server);
            for (int slot = first; slot < s_count; slot++) Start(slot);
            WaitForAll(first);
            return s_count - first;
        }

        /// <summary>Loads carried service <paramref name="index"/> as a new process (not
        /// started); returns its slot, or -1 when it was refused.</summary>
        internal static int Load(int index)
        {
            ServiceImages.Get(index, out System.ReadOnlySpan<byte> name, out System.ReadOnlySpan<byte> elf);
            if (s_count == MaxProcesses || !ServiceLoader.TryLoad(name, elf, out LoadedService image)) return -1;
            int slot = s_count++;
            s_slots[slot].Image = image;
            s_slots[slot].Process = new ServiceProcess(s_nextPid++, image.Space);
            s_slots[slot].NameIndex = index;
            return slot;
        }

        /// <summary>Loads the carried service called <paramref name="name"/>; its slot or -1.</summary>
        internal static int LoadByName(ReadOnlySpan<byte> name)
        {
            for (int i = 0; i < ServiceImages.Count; i++)
            {
                ServiceImages.Get(i, out ReadOnlySpan<byte> candidate, out _);
                if (candidate.SequenceEqual(name)) return Load(i);
            }
            return -1;
        }

        /// <summary>Grants <paramref name="clientSlot"/> the client end of a channel whose
        /// server is already gone (for tests of a dead peer).</summary>
        internal static bool ConnectToClosed(int clientSlot)
        {
            Channel? channel = Channel.Create();
            if (channel == null) return false;
            channel.Close(ChannelSide.Server);
            return Grant(clientSlot, channel, ChannelSide.Client);
        }

        /// <summary>Slots in use so far (the next Load returns this one).</summary>
        internal static int SlotCount => s_count;

        /// <summary>Creates a channel and grants its client end to one slot, its server end
        /// to the other, mapped at the same address in both.</summary>
        internal static bool Connect(int clientSlot, int serverSlot)
        {
            Channel? channel = Channel.Create();
            if (channel == null) return false;
            return Grant(clientSlot, channel, ChannelSide.Client) && Grant(serverSlot, channel, ChannelSide.Server);
        }

        private static bool Grant(int slot, Channel channel, ChannelSide side)
        {
            ServiceProcess process = s_slots[slot].Process!;
            if (process.Space.MapShared(Channel.UserAddress, channel.Region, channel.RegionPages) != Memory.Virtual.VmError.None) return false;
            int handle = process.Grant(channel, side);
            if (handle == 0) return false;
            s_slots[slot].Argument0 = (ulong)handle;
            s_slots[slot].Argument1 = Channel.UserAddress;
            s_slots[slot].Argument2 = (ulong)side;
            s_slots[slot].HasChannels = true;
            return true;
        }

        /// <summary>Gives the process of <paramref name="slot"/> a thread and makes it ready.</summary>
        internal static unsafe bool Start(int slot)
        {
            ServiceProcess process = s_slots[slot].Process!;
            ThreadId thread = Threads.Create(&ServiceThread, (ulong)slot, 10, process.Space);
            if (thread.IsNone) return false;
            process.Thread = thread;
            Threads.SetProcess(thread, process);
            ServiceImages.Get(s_slots[slot].NameIndex, out System.ReadOnlySpan<byte> name, out _);
            LogLine line = Log.Begin(LogLevel.Info, "proc"u8);
            line.Text("service "u8); line.Text(name);
            line.Text(" pid="u8); line.Decimal((long)process.Pid);
            line.Text(" base="u8); line.Address(s_slots[slot].Image.Base);
            line.End();
            return Threads.Start(thread);
        }

        /// <summary>Runs ready threads until every process from <paramref name="firstSlot"/> on has exited.</summary>
        internal static void WaitForAll(int firstSlot)
        {
            while (true)
            {
                Threads.RunReadyThreads();
                bool allExited = true;
                for (int slot = firstSlot; slot < s_count; slot++)
                    if (!System.Threading.Volatile.Read(ref s_slots[slot].Finished)) allExited = false;
                if (allExited) break;
                Cpu.EnableInterruptsAndHalt();
            }
            for (int slot = firstSlot; slot < s_count; slot++) Reap(slot);
        }

        /// <summary>The exit status of the process in <paramref name="slot"/>.</summary>
        internal static long StatusOf(int slot) => s_slots[slot].Process!.ExitStatus;

        /// <summary>How many times the service in <paramref name="slot"/> was restarted.</summary>
        internal static int RestartsOf(int slot) => s_slots[slot].Restarts;

        private static void Reap(int slot)
        {
            ServiceProcess process = s_slots[slot].Process!;
            ServiceImages.Get(s_slots[slot].NameIndex, out System.ReadOnlySpan<byte> name, out _);
            LogLine line = Log.Begin(process.ExitStatus < 0 ? LogLevel.Warning : LogLevel.Info, "proc"u8);
            line.Text("service "u8); line.Text(name);
            line.Text(" pid="u8); line.Decimal((long)process.Pid);
            line.Text(" exited with status "u8); line.Decimal(process.ExitStatus);
            line.End();
            process.Space.Destroy();
        }

        private static void ServiceThread(ulong slot)
        {
            ref Slot s = ref s_slots[(int)slot];
            while (true)
            {
                ulong argument2 = s.Argument2 | ((ulong)s.Restarts << 8);
                long status = UserMode.Run(s.Image.Entry, s.Image.StackTop, s.Argument0, s.Argument1, argument2);
                bool failed = status < 0;
                if (!failed || s.HasChannels || s.Restarts == MaxRestarts || !Restart(ref s, status))
                {
                    System.Threading.Volatile.Write(ref s.Finished, true);
                    return;
                }
            }
        }

        /// <summary>Reloads a failed service into a fresh address space after a back-off
        /// of 2^restarts ticks; false when it cannot be reloaded.</summary>
        private static bool Restart(ref Slot s, long status)
        {
            s.Restarts++;
            ServiceImages.Get(s.NameIndex, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> elf);
            ulong backoff = 1UL << s.Restarts;
            LogLine line = Log.Begin(LogLevel.Warning, "proc"u8);
            line.Text("service "u8); line.Text(name);
            line.Text(" pid="u8); line.Decimal((long)s.Process!.Pid);
            line.Text(" failed with status "u8); line.Decimal(status);
            line.Text("; restart "u8); line.Decimal((long)s.Restarts);
            line.Text(" of "u8); line.Decimal((long)MaxRestarts);
            line.Text(" in "u8); line.Decimal(backoff);
            line.Text(" ticks"u8);
            line.End();
            Threads.Sleep(backoff);

            AddressSpace old = s.Image.Space;
            if (!ServiceLoader.TryLoad(name, elf, out LoadedService image)) return false;
            Threads.SwitchSpace(image.Space);
            old.Destroy();
            s.Image = image;
            ServiceProcess process = new ServiceProcess(s_nextPid++, image.Space);
            process.Thread = s.Process.Thread;
            Threads.SetProcess(process.Thread, process);
            s.Process = process;
            line = Log.Begin(LogLevel.Info, "proc"u8);
            line.Text("service "u8); line.Text(name);
            line.Text(" pid="u8); line.Decimal((long)process.Pid);
            line.Text(" base="u8); line.Address(image.Base);
            line.End();
            return true;
        }
    }
}
