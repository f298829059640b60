using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using Microkernel.Abi;
using System.Runtime.InteropServices;

namespace Microkernel.Arch
{
    /// <summary>The numbered system calls. Every user pointer is checked to lie in user
    /// space and then read through the nofault copy; every bad argument returns a
    /// negative errno; nothing a user program passes can panic the kernel.</summary>
    [SystemCallDispatcher]
    internal static unsafe partial class SystemCalls
    {
        // Linux errno values, negated in results (the full list: abi/SystemCallNumber.cs).
        internal const long EBADF = Errno.EBADF, EFAULT = Errno.EFAULT, EINVAL = Errno.EINVAL, EPIPE = Errno.EPIPE, ENOSYS = Errno.ENOSYS;
        private const int MaxLogLength = 200;
        /// <summary>Longest console_write line: klog's "[level] source: text" for a 480-byte text.</summary>
        internal const int MaxConsoleLine = 560;

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
            long result = Call(frame);
            // A process killed while it was in here never returns to ring 3 (one load of a
            // flag until the first kill ever).
            if (Process.ProcessCalls.KillRequested) Process.ProcessCalls.EndIfKilled();
            return result;
        }

        /// <summary>The switch from number to handler, generated from abi/SystemCallTable.cs
        /// (abi/generator): each declared call's handler with its argument registers, the
        /// declared right checked first, -ENOSYS for unknown numbers. Inlined into
        /// <see cref="Dispatch"/>.</summary>
        private static partial long Call(Frame* frame);

        /// <summary>True when the calling process holds <paramref name="right"/>: the generated
        /// dispatch's check for calls that declare one (-EPERM otherwise).</summary>
        private static bool CallerHas(ProcessRights right)
        {
            Process.ServiceProcess? caller = Process.Threads.CurrentProcess;
            return caller != null && caller.Has(right);
        }

        /// <summary>null(): nothing; the cost of the round trip itself.</summary>
        private static long Null() => 0;

        /// <summary>clock(): nanoseconds since boot.</summary>
        private static long Clock() => (long)(TimeStampCounter.ToMicroseconds(Cpu.ReadTsc()) * 1000);

        /// <summary>unmap(address, length).</summary>
        private static long Unmap(ulong address, ulong length) => Result(Space()?.Unmap(address, length));

        /// <summary>protect(address, length, protection).</summary>
        private static long Protect(ulong address, ulong length, ulong protection) => Result(Space()?.Protect(address, length, ToProtection(protection)));

        /// <summary>True when [address, address + length) lies entirely in user space.</summary>
        internal static bool IsUserRange(ulong address, ulong length) =>
            address >= AddressSpace.UserLowest && length <= AddressSpace.UserHighest - AddressSpace.UserLowest
            && address <= AddressSpace.UserHighest - length;

        /// <summary>log(text, length, level): a record in the kernel log whose source is the
        /// calling service's name ("user" for a thread outside any service).</summary>
        private static long Log(ulong text, ulong length, ulong level)
        {
            if (length > MaxLogLength || level > (ulong)LogSeverity.Error) return -EINVAL;
            if (!IsUserRange(text, length)) return -EFAULT;
            byte* copy = stackalloc byte[MaxLogLength];
            if (FaultFixups.TryCopy(copy, (void*)text, length) != 0) return -EFAULT;
            Process.ServiceProcess? caller = Process.Threads.CurrentProcess;
            LogLine line = Console.Log.Begin((LogLevel)level, caller != null ? caller.Name : "user"u8);
            line.Text(new System.ReadOnlySpan<byte>(copy, (int)length));
            line.End();
            return (long)length;
        }

        /// <summary>console_write(text, length): the line on COM1 as given (control bytes as
        /// '?', so a service cannot forge a second line or move the cursor), not recorded. The
        /// console right is checked by the dispatch (declared in abi/SystemCallTable.cs).</summary>
        private static long ConsoleWrite(ulong text, ulong length)
        {
            if (length > MaxConsoleLine) return -EINVAL;
            if (!IsUserRange(text, length)) return -EFAULT;
            byte* copy = stackalloc byte[MaxConsoleLine + 1];
            if (FaultFixups.TryCopy(copy, (void*)text, length) != 0) return -EFAULT;
            for (ulong i = 0; i < length; i++)
            {
                if (copy[i] < 0x20 || copy[i] == 0x7F) copy[i] = (byte)'?';
            }
            copy[length] = (byte)'\n';
            KernelConsole.Write(new System.ReadOnlySpan<byte>(copy, (int)length + 1));
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

        private static VmProtection ToProtection(ulong bits) => (VmProtection)(byte)(bits & 7);

        private static long Result(VmError? error) => error == null ? -ENOSYS : -(long)error.Value;

        private static AddressSpace? Space() => AddressSpace.Current;
    }
}
