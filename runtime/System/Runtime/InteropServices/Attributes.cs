namespace System.Runtime.InteropServices;

/// <summary>How fields of a type are laid out.</summary>
public enum LayoutKind { Sequential = 0, Explicit = 2, Auto = 3 }

/// <summary>Character set for interop (unused).</summary>
public enum CharSet { None = 1, Ansi = 2, Unicode = 3, Auto = 4 }

/// <summary>Calling conventions for interop.</summary>
public enum CallingConvention { Winapi = 1, Cdecl = 2, StdCall = 3, ThisCall = 4, FastCall = 5 }

/// <summary>Marshalling kinds; Roslyn uses it to encode the unmanaged constraint.</summary>
public enum UnmanagedType { Bool = 2, I1 = 3, U1 = 4, I2 = 5, U2 = 6, I4 = 7, U4 = 8, I8 = 9, U8 = 10, LPStr = 20, LPWStr = 21, Error = 45 }

/// <summary>Layout of a type.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class StructLayoutAttribute : Attribute
{
    public StructLayoutAttribute(LayoutKind layoutKind) { Value = layoutKind; }
    public LayoutKind Value { get; }
    public int Pack;
    public int Size;
    public CharSet CharSet;
}

/// <summary>Byte offset of a field in an explicit layout.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class FieldOffsetAttribute : Attribute
{
    public FieldOffsetAttribute(int offset) { Value = offset; }
    public int Value { get; }
}

/// <summary>An external function. In the image only <c>"*"</c> (a symbol linked in) is meaningful.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class DllImportAttribute : Attribute
{
    public DllImportAttribute(string dllName) { Value = dllName; }
    public string Value { get; }
    public string EntryPoint;
    public CharSet CharSet;
    public bool SetLastError;
    public bool ExactSpelling;
    public CallingConvention CallingConvention;
    public bool PreserveSig;
}

/// <summary>The method is called from native code only, with the given symbol name.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UnmanagedCallersOnlyAttribute : Attribute
{
    public Type[] CallConvs;
    public string EntryPoint;
}

/// <summary>The native call needs no GC transition (always true here).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SuppressGCTransitionAttribute : Attribute { }

/// <summary>Calling convention of an unmanaged function pointer.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UnmanagedCallConvAttribute : Attribute
{
    public Type[] CallConvs;
}

/// <summary>In parameter marker.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class InAttribute : Attribute { }

/// <summary>Out parameter marker.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class OutAttribute : Attribute { }

/// <summary>How a value is marshalled (unused: every signature here is blittable).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.ReturnValue, Inherited = false)]
public sealed class MarshalAsAttribute : Attribute
{
    public MarshalAsAttribute(UnmanagedType unmanagedType) { }
}
