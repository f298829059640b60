using System;

namespace Microkernel.Ipc;

/// <summary>
/// Marks a partial struct (or ref struct) as a message. The source generator adds
/// <c>Encode(ref MessagePackWriter)</c> and <c>static bool TryDecode(ref MessagePackReader, out T)</c>.
/// The body is a MessagePack array of the public instance fields in declaration order (the
/// MessagePack-CSharp <c>[Key(0..n)]</c> layout). Field types: bool, the eight integer types,
/// enums over them, <c>ReadOnlySpan&lt;byte&gt;</c> (bin; str with <see cref="Utf8Attribute"/>)
/// and other <see cref="IpcMessageAttribute"/> structs (nested arrays).
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class IpcMessageAttribute : Attribute
{
}
