using System.Runtime.CompilerServices;

namespace System;

/// <summary>Base class of delegates.</summary>
/// <remarks>The four fields and the Initialize* methods are a contract with the
/// compiler, which builds and invokes delegates through them.</remarks>
public abstract unsafe class Delegate
{
    // For instance delegates: the target object. For static ones: the delegate itself
    // (the compiler's open-static thunk finds the real target in the extra field).
    internal object _firstParameter;
    internal object _helperObject;
    internal nint _extraFunctionPointerOrData;
    internal IntPtr _functionPointer;

    /// <summary>The object the delegate calls, or null for a static method.</summary>
    public object Target => (object)_firstParameter == (object)this ? null : _firstParameter;

    private void InitializeClosedInstance(object firstParameter, IntPtr functionPointer)
    {
        if (firstParameter == null)
        {
            ThrowHelpers.ThrowNullReferenceException();
        }

        _functionPointer = functionPointer;
        _firstParameter = firstParameter;
    }

    private void InitializeClosedInstanceSlow(object firstParameter, IntPtr functionPointer)
    {
        InitializeClosedInstance(firstParameter, functionPointer);
    }

    private void InitializeClosedInstanceToInterface(object firstParameter, IntPtr dispatchCell)
    {
        if (firstParameter == null)
        {
            ThrowHelpers.ThrowNullReferenceException();
        }

        _functionPointer = (IntPtr)Microkernel.Runtime.InterfaceDispatch.ResolveCell(firstParameter, (nint)dispatchCell);
        _firstParameter = firstParameter;
    }

    private void InitializeClosedInstanceWithoutNullCheck(object firstParameter, IntPtr functionPointer)
    {
        _functionPointer = functionPointer;
        _firstParameter = firstParameter;
    }

    private void InitializeClosedStaticThunk(object firstParameter, IntPtr functionPointer, IntPtr functionPointerThunk)
    {
        _extraFunctionPointerOrData = (nint)functionPointer;
        _helperObject = firstParameter;
        _functionPointer = functionPointerThunk;
        _firstParameter = this;
    }

    private void InitializeOpenStaticThunk(object firstParameter, IntPtr functionPointer, IntPtr functionPointerThunk)
    {
        _firstParameter = this;
        _functionPointer = functionPointerThunk;
        _extraFunctionPointerOrData = (nint)functionPointer;
    }

    private void InitializeOpenInstanceThunkDynamic(IntPtr functionPointer, IntPtr functionPointerThunk)
    {
        _firstParameter = this;
        _functionPointer = functionPointerThunk;
        _extraFunctionPointerOrData = (nint)functionPointer;
    }

    internal IntPtr GetThunk(int whichThunk) => default;
}

/// <summary>Base class of delegate types (no multicast: a delegate calls one target).</summary>
public abstract class MulticastDelegate : Delegate { }

/// <summary>A parameterless action.</summary>
public delegate void Action();
/// <summary>An action with one argument.</summary>
public delegate void Action<in T>(T arg);
/// <summary>An action with two arguments.</summary>
public delegate void Action<in T1, in T2>(T1 arg1, T2 arg2);
/// <summary>A parameterless function.</summary>
public delegate TResult Func<out TResult>();
/// <summary>A function of one argument.</summary>
public delegate TResult Func<in T, out TResult>(T arg);
/// <summary>A function of two arguments.</summary>
public delegate TResult Func<in T1, in T2, out TResult>(T1 arg1, T2 arg2);
