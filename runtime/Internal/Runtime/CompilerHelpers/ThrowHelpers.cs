using System;
using System.Diagnostics.CodeAnalysis;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>Throw sites the compiler emits calls to by name (range checks, overflow,
/// null checks, code it could not compile). Each ends in the runtime's panic.</summary>
internal static class ThrowHelpers
{
    [DoesNotReturn] public static void ThrowIndexOutOfRangeException() => throw new IndexOutOfRangeException();
    [DoesNotReturn] public static void ThrowNullReferenceException() => throw new NullReferenceException();
    [DoesNotReturn] public static void ThrowOverflowException() => throw new OverflowException();
    [DoesNotReturn] public static void ThrowDivideByZeroException() => throw new DivideByZeroException();
    [DoesNotReturn] public static void ThrowArrayTypeMismatchException() => throw new ArrayTypeMismatchException();
    [DoesNotReturn] public static void ThrowPlatformNotSupportedException() => throw new PlatformNotSupportedException();
    [DoesNotReturn] public static void ThrowInvalidCastException() => throw new InvalidCastException();
    [DoesNotReturn] public static void ThrowArgumentException() => throw new ArgumentException();
    [DoesNotReturn] public static void ThrowArgumentOutOfRangeException() => throw new ArgumentOutOfRangeException();
    [DoesNotReturn] public static void ThrowFeatureBodyRemoved() => throw new NotSupportedException("This code was removed by the compiler.");
    [DoesNotReturn] public static void ThrowInvalidProgramException() => throw new InvalidOperationException("Invalid program.");
    [DoesNotReturn] public static void ThrowInvalidProgramExceptionWithArgument(int id, string methodName) => throw new InvalidOperationException("Invalid program.");
    [DoesNotReturn] public static void ThrowTypeLoadException(int id, string className, string typeName) => throw new InvalidOperationException("Type load failed.");
    [DoesNotReturn] public static void ThrowTypeLoadExceptionWithArgument(int id, string className, string typeName, string messageArg) => throw new InvalidOperationException("Type load failed.");
    [DoesNotReturn] public static void ThrowMissingMethodException(int id, string methodName) => throw new InvalidOperationException("Missing method.");
    [DoesNotReturn] public static void ThrowMissingFieldException(int id, string fieldName) => throw new InvalidOperationException("Missing field.");
    [DoesNotReturn] public static void ThrowFileNotFoundException(int id, string fileName) => throw new InvalidOperationException("File not found.");
    [DoesNotReturn] public static void ThrowBadImageFormatException(int id) => throw new InvalidOperationException("Bad image format.");
    [DoesNotReturn] public static void ThrowMarshalDirectiveException(int id) => throw new NotSupportedException("Marshalling is not supported.");
    [DoesNotReturn] public static void ThrowAmbiguousMatchException(int id) => throw new InvalidOperationException("Ambiguous match.");
    [DoesNotReturn] public static void ThrowArgumentOutOfRangeException(int id) => throw new ArgumentOutOfRangeException();
    [DoesNotReturn] public static void ThrowNotSupportedInlineArrayEqualsGetHashCode() => throw new NotSupportedException();
}
