using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using System.Runtime.InteropServices;

namespace Microkernel.Arch
{
    /// <summary>The numbered system calls. Every user pointer is checked to lie in user
    /// space and then read through the nofault copy; every bad argument returns a
    /// negative errno; nothing a user program passes can panic the kernel.</summary>
    internal static unsafe class SystemCalls
    {
        /// <summary>The table: rax selects, rdi/rsi/rdx/r10/r8/r9 are arguments.</summary>
        internal enum Number : ulong
        {
            /// <summary>exit(status): ends the program.</summary>
            Exit = 0,
            /// <summary>log(text, length): one line to the kernel log.</summary>
            Log = 1,
            /// <summary>clock(): nanoseconds since boot.</summary>
            Clock = 2,
            /// <summary>map(hint, length, protection, flags): anonymous memory; returns the address.</summary>
            Map = 3,
            /// <summary>unmap(address, length).</summary>
            Unmap = 4,
            /// <summary>protect(address, length, protection).</summary>
            Protect = 5,
            /// <summary>yield(): gives up the CPU (no scheduler yet: returns at once).</summary>
            Yield = 6,
            /// <summary>wait(handle): blocks until the channel's peer notifies; -EPIPE once it closed.</summary>
            Wait = 7,
            /// <summary>notify(handle): wakes the channel's peer (or leaves it a notification).</summary>
            Notify = 8,
            /// <summary>null(): does nothing; measures the round trip itself.</summary>
            Null = 9,
            /// <summary>Number of calls.</summary>
            Count = 10,
        }

        // Linux errno values, negated in results.
        internal const long EBADF = 9, EFAULT = 14, EINVAL = 22, EPIPE = 32, ENOSYS = 38;
        private const int MaxLogLength = 200;

        [StructLayout(LayoutKind.Sequential)]
        internal struct Frame
        {
            internal ulong R9, R8, R10, Rdx, Rsi, Rdi, Number, Rip, Rflags, Rsp;
        }

        [DllImport("*", EntryPoint = "mk_syscall_entry_address"), SuppressGCTransition]
        private static extern ulong EntryAddress();

        /// <summary>Calls made per number (for the store, later).</summary>
        internal static ulong Calls;

        /// <summary>Enables syscall/sysret: EFER.SCE, selectors in STAR, the entry in LSTAR,
        /// and the flags masked on entry (IF, TF, DF, AC, NT).</summary>
        internal static void Initialize()
        {
            const uint Efer = 0xC0000080, Star = 0xC0000081, Lstar = 0xC0000082, Fmask = 0xC0000084;
            Cpu.WriteMsr(Efer, Cpu.ReadMsr(Efer) | 1);
            // sysret loads CS = base + 16 and SS = base + 8: base 0x18 gives 0x2B and 0x23.
            Cpu.WriteMsr(Star, ((ulong)0x18 << 48) | ((ulong)SegmentTables.KernelCode << 32));
            Cpu.WriteMsr(Lstar, EntryAddress());
            Cpu.WriteMsr(Fmask, 0x200 | 0x100 | 0x400 | 0x40000 | 0x4000);
        }

        [UnmanagedCallersOnly(EntryPoint = "mk_syscall_dispatch")]
        private static long Dispatch(Frame* frame)
        {
            Calls++;
            switch ((Number)frame->Number)
            {
                case Number.Exit:
                    UserMode.Return((long)frame->Rdi);
                    return 0; // not reached
                case Number.Log: return Log(frame->Rdi, frame->Rsi);
                case Number.Clock: return (long)(TimeStampCounter.ToMicroseconds(Cpu.ReadTsc()) * 1000);
                case Number.Map: return Map(frame->Rdi, frame->Rsi, frame->Rdx, frame->R10);
                case Number.Unmap: return Result(Space()?.Unmap(frame->Rdi, frame->Rsi));
                case Number.Protect: return Result(Space()?.Protect(frame->Rdi, frame->Rsi, ToProtection(frame->Rdx)));
                case Number.Yield: Process.Threads.Yield(); return 0;
                case Number.Wait: return Wait(frame->Rdi);
                case Number.Notify: return Notify(frame->Rdi);
                case Number.Null: return 0;
                default: return -ENOSYS;
            }
        }

        /// <summary>True when [address, address + length) lies entirely in user space.</summary>
        internal static bool IsUserRange(ulong address, ulong length) =>
            address >= AddressSpace.UserLowest && length <= AddressSpace.UserHighest - AddressSpace.UserLowest
            && address <= AddressSpace.UserHighest - length;

        private static long Log(ulong text, ulong length)
        {
            if (length > MaxLogLength) return -EINVAL;
            if (!IsUserRange(text, length)) return -EFAULT;
            byte* copy = stackalloc byte[MaxLogLength];
            if (FaultFixups.TryCopy(copy, (void*)text, length) != 0) return -EFAULT;
            LogLine line = Console.Log.Begin(LogLevel.Info, "user"u8);
            line.Text(new System.ReadOnlySpan<byte>(copy, (int)length));
            line.End();
            return (long)length;
        }

        private static long Map(ulong hint, ulong length, ulong protection, ulong flags)
        {
            AddressSpace? space = Space();
            if (space == null) return -ENOSYS;
            if ((flags & ~(ulong)(MapFlags.Fixed | MapFlags.FixedNoReplace | MapFlags.Populate)) != 0 || protection > 7) return -EINVAL;
            VmError error = space.Map(hint, length, ToProtection(protection), (MapFlags)flags, VmAreaKind.Anonymous, 0, out ulong address);
            return error == VmError.None ? (long)address : -(long)error;
        }

        private static long Wait(ulong handle)
        {
            Process.ServiceProcess? process = Process.Threads.CurrentProcess;
            Channels.ChannelSide side = Channels.ChannelSide.Client;
            Channels.Channel? channel = process?.Resolve(handle, out side);
            if (channel == null) return -EBADF;
            // Pending notifications are consumed first, so a notify that raced ahead of
            // this wait is never lost; a closed peer ends every wait at once.
            while (true)
            {
                if (channel.TryConsumeNotification(side)) return 0;
                if (channel.IsClosed(Channels.Channel.Peer(side))) return -EPIPE;
                Process.Threads.Block(channel.WaitKey(side));
            }
        }

        private static long Notify(ulong handle)
        {
            Process.ServiceProcess? process = Process.Threads.CurrentProcess;
            Channels.ChannelSide side = Channels.ChannelSide.Client;
            Channels.Channel? channel = process?.Resolve(handle, out side);
            if (channel == null) return -EBADF;
            if (channel.IsClosed(Channels.Channel.Peer(side))) return -EPIPE;
            Process.Threads.WakeOne(channel.Notify(side));
            return 0;
        }

        private static VmProtection ToProtection(ulong bits) => (VmProtection)(byte)(bits & 7);

        private static long Result(VmError? error) => error == null ? -ENOSYS : -(long)error.Value;

        private static AddressSpace? Space() => AddressSpace.Current;
    }
}
