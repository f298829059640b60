using System.Diagnostics.CodeAnalysis;

namespace System;

/// <summary>Throw sites the compiler and the library call. Each one ends in a panic,
/// so none of them returns.</summary>
internal static class ThrowHelpers
{
    [DoesNotReturn] public static void ThrowIndexOutOfRangeException() => throw new IndexOutOfRangeException();
    [DoesNotReturn] public static void ThrowNullReferenceException() => throw new NullReferenceException();
    [DoesNotReturn] public static void ThrowOverflowException() => throw new OverflowException();
    [DoesNotReturn] public static void ThrowDivideByZeroException() => throw new DivideByZeroException();
    [DoesNotReturn] public static void ThrowInvalidCastException() => throw new InvalidCastException();
    [DoesNotReturn] public static void ThrowArrayTypeMismatchException() => throw new ArrayTypeMismatchException();
    [DoesNotReturn] public static void ThrowPlatformNotSupportedException() => throw new PlatformNotSupportedException();
    [DoesNotReturn] public static void ThrowNotSupportedException() => throw new NotSupportedException();
    [DoesNotReturn] public static void ThrowOutOfMemoryException() => throw new OutOfMemoryException();
    [DoesNotReturn] public static void ThrowArgumentException() => throw new ArgumentException();
    [DoesNotReturn] public static void ThrowArgumentNullException(string paramName) => throw new ArgumentNullException(paramName);
    [DoesNotReturn] public static void ThrowArgumentOutOfRangeException() => throw new ArgumentOutOfRangeException();
    [DoesNotReturn] public static void ThrowArgumentOutOfRangeException(string paramName) => throw new ArgumentOutOfRangeException(paramName);
    [DoesNotReturn] public static void ThrowInvalidOperationException(string message) => throw new InvalidOperationException(message);
    [DoesNotReturn] public static void ThrowDestinationTooShort() => throw new ArgumentException("Destination is too short.");
}
