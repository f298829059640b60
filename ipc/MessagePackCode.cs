namespace Microkernel.Ipc;

/// <summary>The MessagePack format bytes this codec reads and writes (see the MessagePack spec).</summary>
public static class MessagePackCode
{
    /// <summary>Largest value encoded as a positive fixint (0x00-0x7f).</summary>
    public const int MaxFixPositiveInt = 0x7f;

    /// <summary>Smallest value encoded as a negative fixint (0xe0-0xff).</summary>
    public const int MinFixNegativeInt = -32;

    /// <summary>Prefix of a fixmap (0x80-0x8f, low nibble = entries).</summary>
    public const byte FixMap = 0x80;

    /// <summary>Prefix of a fixarray (0x90-0x9f, low nibble = elements).</summary>
    public const byte FixArray = 0x90;

    /// <summary>Prefix of a fixstr (0xa0-0xbf, low five bits = bytes).</summary>
    public const byte FixStr = 0xa0;

    /// <summary>nil.</summary>
    public const byte Nil = 0xc0;

    /// <summary>Never used by the spec; always an error.</summary>
    public const byte NeverUsed = 0xc1;

    /// <summary>false.</summary>
    public const byte False = 0xc2;

    /// <summary>true.</summary>
    public const byte True = 0xc3;

    /// <summary>bin with a 1-byte length.</summary>
    public const byte Bin8 = 0xc4;

    /// <summary>bin with a 2-byte length.</summary>
    public const byte Bin16 = 0xc5;

    /// <summary>bin with a 4-byte length.</summary>
    public const byte Bin32 = 0xc6;

    /// <summary>ext with a 1-byte length.</summary>
    public const byte Ext8 = 0xc7;

    /// <summary>ext with a 2-byte length.</summary>
    public const byte Ext16 = 0xc8;

    /// <summary>ext with a 4-byte length.</summary>
    public const byte Ext32 = 0xc9;

    /// <summary>IEEE single.</summary>
    public const byte Float32 = 0xca;

    /// <summary>IEEE double.</summary>
    public const byte Float64 = 0xcb;

    /// <summary>Unsigned 8-bit integer.</summary>
    public const byte UInt8 = 0xcc;

    /// <summary>Unsigned 16-bit integer.</summary>
    public const byte UInt16 = 0xcd;

    /// <summary>Unsigned 32-bit integer.</summary>
    public const byte UInt32 = 0xce;

    /// <summary>Unsigned 64-bit integer.</summary>
    public const byte UInt64 = 0xcf;

    /// <summary>Signed 8-bit integer.</summary>
    public const byte Int8 = 0xd0;

    /// <summary>Signed 16-bit integer.</summary>
    public const byte Int16 = 0xd1;

    /// <summary>Signed 32-bit integer.</summary>
    public const byte Int32 = 0xd2;

    /// <summary>Signed 64-bit integer.</summary>
    public const byte Int64 = 0xd3;

    /// <summary>fixext with 1 data byte (FixExt2/4/8/16 follow at d5-d8).</summary>
    public const byte FixExt1 = 0xd4;

    /// <summary>fixext with 16 data bytes.</summary>
    public const byte FixExt16 = 0xd8;

    /// <summary>str with a 1-byte length.</summary>
    public const byte Str8 = 0xd9;

    /// <summary>str with a 2-byte length.</summary>
    public const byte Str16 = 0xda;

    /// <summary>str with a 4-byte length.</summary>
    public const byte Str32 = 0xdb;

    /// <summary>array with a 2-byte count.</summary>
    public const byte Array16 = 0xdc;

    /// <summary>array with a 4-byte count.</summary>
    public const byte Array32 = 0xdd;

    /// <summary>map with a 2-byte count.</summary>
    public const byte Map16 = 0xde;

    /// <summary>map with a 4-byte count.</summary>
    public const byte Map32 = 0xdf;

    /// <summary>First byte of the negative fixint range.</summary>
    public const byte NegativeFixIntStart = 0xe0;
}
