using System.Runtime;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Microkernel.Runtime;

/// <summary>Atomic reference exchanges. Without a GC there is no card table to mark,
/// so each is the bare atomic operation. The plain store barriers (RhpAssignRef,
/// RhpCheckedAssignRef, RhpByRefAssignRef) live in runtime.asm: written in C# they
/// would compile to calls of themselves.</summary>
internal static unsafe class WriteBarriers
{
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
