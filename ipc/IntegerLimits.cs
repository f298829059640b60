namespace Microkernel.Ipc;

/// <summary>
/// Ranges of the narrow integer types, spelled out because the freestanding runtime/ does not
/// define MinValue/MaxValue on byte, sbyte, short and ushort.
/// </summary>
internal static class IntegerLimits
{
    public const long SByteMin = -128;
    public const long SByteMax = 127;
    public const int ByteMax = 255;
    public const long Int16Min = -32768;
    public const long Int16Max = 32767;
    public const int UInt16Max = 65535;
}
