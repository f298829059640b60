namespace Microkernel.Ipc.Generator;

/// <summary>How a message field is put on the wire.</summary>
internal enum FieldKind
{
    Unsupported,
    Boolean,
    Signed,
    Unsigned,
    Binary,
    String,
    Message,
}
