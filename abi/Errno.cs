namespace Microkernel.Abi;

/// <summary>The negated Linux errno values system calls return.</summary>
public static class Errno
{
    /// <summary>Operation not permitted (a supervisor-only call from another process).</summary>
    public const long EPERM = 1;
    /// <summary>No such service image.</summary>
    public const long ENOENT = 2;
    /// <summary>The service image is malformed (refused by the ELF validator).</summary>
    public const long ENOEXEC = 8;
    /// <summary>Bad handle, or a handle of the wrong kind.</summary>
    public const long EBADF = 9;
    /// <summary>No child left to wait for.</summary>
    public const long ECHILD = 10;
    /// <summary>Out of memory.</summary>
    public const long ENOMEM = 12;
    /// <summary>Protection refused (a mapping both writable and executable).</summary>
    public const long EACCES = 13;
    /// <summary>A pointer outside user space or not mapped.</summary>
    public const long EFAULT = 14;
    /// <summary>Already started, or busy.</summary>
    public const long EBUSY = 16;
    /// <summary>A fixed-no-replace mapping would overlap an existing one.</summary>
    public const long EEXIST = 17;
    /// <summary>A bad argument.</summary>
    public const long EINVAL = 22;
    /// <summary>Handle table or process table full.</summary>
    public const long EMFILE = 24;
    /// <summary>The channel's peer closed.</summary>
    public const long EPIPE = 32;
    /// <summary>No such system call.</summary>
    public const long ENOSYS = 38;
    /// <summary>Asked to stop: the system is shutting down (or the supervisor stops this service).</summary>
    public const long ESHUTDOWN = 108;
    /// <summary>A timed wait ran out.</summary>
    public const long ETIMEDOUT = 110;
}
