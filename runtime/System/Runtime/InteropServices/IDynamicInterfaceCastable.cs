using Internal.Runtime;

namespace System.Runtime.InteropServices;

/// <summary>Required by the compiler's type system; no type in the image implements it.</summary>
public unsafe interface IDynamicInterfaceCastable
{
    /// <summary>Whether the object implements the interface.</summary>
    bool IsInterfaceImplemented(RuntimeTypeHandle interfaceType, bool throwIfNotImplemented);

    /// <summary>The type that implements the interface.</summary>
    RuntimeTypeHandle GetInterfaceImplementation(RuntimeTypeHandle interfaceType);

    // The compiler routes dispatch on dynamic-castable objects here. There are none.
    internal static nint GetDynamicInterfaceImplementation(object instance, MethodTable* interfaceType, ushort slot)
    {
        Microkernel.Runtime.RuntimeHooks.FailFast("IDynamicInterfaceCastable is not supported", 0);
        return 0;
    }
}
