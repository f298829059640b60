using System;

namespace Microkernel.BootTests;

/// <summary>QEMU's serial output ended while a test still waited for a line.</summary>
public sealed class QemuExitedException : Exception
{
    /// <summary>Creates the exception with an explanation.</summary>
    public QemuExitedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default explanation.</summary>
    public QemuExitedException()
        : base("QEMU's serial output ended")
    {
    }

    /// <summary>Creates the exception with an explanation and a cause.</summary>
    public QemuExitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
