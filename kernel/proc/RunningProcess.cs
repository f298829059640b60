using Microkernel.Scheduling;

namespace Microkernel.Process;

/// <summary>Which process each thread runs for: the process side of a thread, kept here so
/// the scheduler's threads (kernel/sched) know nothing of processes.</summary>
/// <remarks>Indexed by the thread's table index; a service's thread is bound when it starts
/// and unbound when its process finishes. The table is made in <see cref="Initialize"/>,
/// not by a field initializer: without a static constructor ilc emits no "class
/// initialised yet?" check on each read, and <see cref="Current"/> is read on every
/// system call of the call/reply path.</remarks>
internal static class RunningProcess
{
    private static ServiceProcess?[] s_byThread = null!;

    /// <summary>Makes the table (once, after the thread table exists).</summary>
    internal static void Initialize() => s_byThread = new ServiceProcess?[Threads.Capacity];

    /// <summary>The process the running thread belongs to, or null for a kernel thread.</summary>
    internal static ServiceProcess? Current => s_byThread[Threads.Current.Index];

    /// <summary>Ties <paramref name="thread"/> to <paramref name="process"/> (null: to none).</summary>
    internal static void Bind(ThreadId thread, ServiceProcess? process) => s_byThread[thread.Index] = process;
}
