using Microkernel.Scheduling;

namespace Microkernel.Channels;

/// <summary>A process's "any channel" wait (wait(0), notify_wait(h, 0)): pending when some
/// channel end it holds was signalled; knows the thread that waits on it, so a peer's
/// notify_wait can hand the CPU straight to that thread.</summary>
internal sealed class WaitSet : WaitObject
{
    /// <summary>The holder's thread (<see cref="ThreadId.None"/> before it starts and after it ends).</summary>
    internal ThreadId Thread;
}
