using System;

namespace Microkernel.Ipc;

/// <summary>Gives a contract method its message id (stable on the wire; never reuse one).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class IpcMethodAttribute : Attribute
{
    /// <summary>Declares the method's message id.</summary>
    public IpcMethodAttribute(ushort id)
    {
        Id = id;
    }

    /// <summary>Message id carried in the header.</summary>
    public ushort Id { get; }
}
