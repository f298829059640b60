using System.Runtime;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Microkernel.Runtime
{
    /// <summary>Reference stores. Without a GC there is no card table to mark, so each
    /// barrier is the plain store it guards. (RhpByRefAssignRef has a register-based
    /// convention and lives in runtime.asm.)</summary>
    internal static unsafe class WriteBarriers
    {
        [RuntimeExport("RhpAssignRef")]
        private static void AssignRef(ref object location, object value) => location = value;

        [RuntimeExport("RhpCheckedAssignRef")]
        private static void CheckedAssignRef(ref object location, object value) => location = value;

        [RuntimeExport("RhpCheckedLockCmpXchg")]
        private static object CheckedLockCmpXchg(ref object location, object value, object comparand) =>
            Interlocked.CompareExchange(ref location, value, comparand);

        [RuntimeExport("RhpCheckedXchg")]
        private static object CheckedXchg(ref object location, object value)
        {
            long previous = Interlocked.Exchange(ref Unsafe.As<object, long>(ref location), Unsafe.As<object, long>(ref value));
            return Unsafe.As<long, object>(ref previous);
        }
    }
}
