namespace System;

/// <summary>Base class of exceptions.</summary>
/// <remarks>There is no unwinding in the image: a throw ends in the runtime's panic
/// hook, which prints <see cref="TypeName"/> and <see cref="Message"/>. The image has
/// no reflection metadata, so each exception type states its own name.</remarks>
public class Exception
{
    private readonly string _message;
    private readonly string _typeName;

    /// <summary>An exception with no message.</summary>
    public Exception() : this(null, "System.Exception") { }

    /// <summary>An exception with a message.</summary>
    public Exception(string message) : this(message, "System.Exception") { }

    /// <summary>An exception with a message and an inner exception (not kept).</summary>
    public Exception(string message, Exception innerException) : this(message, "System.Exception") { }

    /// <summary>For derived types: a message and the full name of the type.</summary>
    protected Exception(string message, string typeName)
    {
        _message = message;
        _typeName = typeName;
    }

    /// <summary>What went wrong.</summary>
    public virtual string Message => _message ?? "";

    /// <summary>The full name of the exception's type, as stated by the type.</summary>
    public string TypeName => _typeName ?? "System.Exception";
}

/// <summary>The operation is not valid for the object's current state.</summary>
public class InvalidOperationException : Exception
{
    public InvalidOperationException() : base(null, "System.InvalidOperationException") { }
    public InvalidOperationException(string message) : base(message, "System.InvalidOperationException") { }
}

/// <summary>An argument is not valid.</summary>
public class ArgumentException : Exception
{
    public ArgumentException() : base(null, "System.ArgumentException") { }
    public ArgumentException(string message) : base(message, "System.ArgumentException") { }
    public ArgumentException(string message, string paramName) : base(message, "System.ArgumentException") { }
    protected ArgumentException(string message, string paramName, string typeName) : base(message ?? paramName, typeName) { }
}

/// <summary>A required argument is null.</summary>
public class ArgumentNullException : ArgumentException
{
    public ArgumentNullException() : base(null, null, "System.ArgumentNullException") { }
    public ArgumentNullException(string paramName) : base(null, paramName, "System.ArgumentNullException") { }
    public ArgumentNullException(string paramName, string message) : base(message, paramName, "System.ArgumentNullException") { }
}

/// <summary>An argument is outside its allowed range.</summary>
public class ArgumentOutOfRangeException : ArgumentException
{
    public ArgumentOutOfRangeException() : base(null, null, "System.ArgumentOutOfRangeException") { }
    public ArgumentOutOfRangeException(string paramName) : base(null, paramName, "System.ArgumentOutOfRangeException") { }
    public ArgumentOutOfRangeException(string paramName, string message) : base(message, paramName, "System.ArgumentOutOfRangeException") { }
}

/// <summary>An index is outside the bounds of an array or span.</summary>
public sealed class IndexOutOfRangeException : Exception
{
    public IndexOutOfRangeException() : base("Index was outside the bounds of the array.", "System.IndexOutOfRangeException") { }
    public IndexOutOfRangeException(string message) : base(message, "System.IndexOutOfRangeException") { }
}

/// <summary>A null reference was dereferenced.</summary>
public sealed class NullReferenceException : Exception
{
    public NullReferenceException() : base("Object reference not set to an instance of an object.", "System.NullReferenceException") { }
    public NullReferenceException(string message) : base(message, "System.NullReferenceException") { }
}

/// <summary>An arithmetic operation overflowed.</summary>
public sealed class OverflowException : Exception
{
    public OverflowException() : base("Arithmetic operation resulted in an overflow.", "System.OverflowException") { }
    public OverflowException(string message) : base(message, "System.OverflowException") { }
}

/// <summary>An integer was divided by zero.</summary>
public sealed class DivideByZeroException : Exception
{
    public DivideByZeroException() : base("Attempted to divide by zero.", "System.DivideByZeroException") { }
}

/// <summary>A cast is not valid.</summary>
public sealed class InvalidCastException : Exception
{
    public InvalidCastException() : base("Specified cast is not valid.", "System.InvalidCastException") { }
    public InvalidCastException(string message) : base(message, "System.InvalidCastException") { }
}

/// <summary>An element of the wrong type was stored in a covariant array.</summary>
public sealed class ArrayTypeMismatchException : Exception
{
    public ArrayTypeMismatchException() : base("Attempted to access an element as a type incompatible with the array.", "System.ArrayTypeMismatchException") { }
}

/// <summary>The operation is not supported.</summary>
public class NotSupportedException : Exception
{
    public NotSupportedException() : base(null, "System.NotSupportedException") { }
    public NotSupportedException(string message) : base(message, "System.NotSupportedException") { }
}

/// <summary>The operation is not supported on this platform.</summary>
public sealed class PlatformNotSupportedException : Exception
{
    public PlatformNotSupportedException() : base(null, "System.PlatformNotSupportedException") { }
    public PlatformNotSupportedException(string message) : base(message, "System.PlatformNotSupportedException") { }
}

/// <summary>The allocator has no memory left.</summary>
public sealed class OutOfMemoryException : Exception
{
    public OutOfMemoryException() : base("Out of memory.", "System.OutOfMemoryException") { }
}

/// <summary>A method was called that has no implementation.</summary>
public sealed class NotImplementedException : Exception
{
    public NotImplementedException() : base(null, "System.NotImplementedException") { }
    public NotImplementedException(string message) : base(message, "System.NotImplementedException") { }
}
