using System;

namespace Microkernel.Ipc;

/// <summary>
/// Marks an interface as a service contract. Each method carries <see cref="IpcMethodAttribute"/>
/// and has the shape <c>TReply Name(in TRequest request)</c> (a request) or
/// <c>void Name(in TRequest request)</c> (a notification), with message types. The generator
/// emits <c>{Name}Dispatcher</c> (server side, an <see cref="IMessageDispatcher"/>) and
/// <c>{Name}Client</c> (client side) where Name is the interface name without its leading I.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class IpcContractAttribute : Attribute
{
    /// <summary>Declares a contract with the given wire id.</summary>
    public IpcContractAttribute(uint id)
    {
        Id = id;
    }

    /// <summary>Contract id carried in every message header.</summary>
    public uint Id { get; }
}
