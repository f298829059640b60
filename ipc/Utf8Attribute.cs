using System;

namespace Microkernel.Ipc;

/// <summary>Marks a <c>ReadOnlySpan&lt;byte&gt;</c> message field as UTF-8 text: encoded as MessagePack str instead of bin.</summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class Utf8Attribute : Attribute
{
}
