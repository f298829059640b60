namespace Microkernel.Abi.Generator;

/// <summary>One declared argument of a system call, as the stub takes it and the registers carry it.</summary>
internal sealed class SystemCallArgument
{
    public SystemCallArgument(string name, string typeName, string displayType, ArgumentKind kind, bool packed, string? defaultLiteral)
    {
        Name = name;
        TypeName = typeName;
        DisplayType = displayType;
        Kind = kind;
        Packed = packed;
        DefaultLiteral = defaultLiteral;
    }

    /// <summary>The parameter's name in the declaration and the stub.</summary>
    public string Name { get; }

    /// <summary>Its type, fully qualified (for generated code).</summary>
    public string TypeName { get; }

    /// <summary>Its type as a reader writes it (for the reference).</summary>
    public string DisplayType { get; }

    public ArgumentKind Kind { get; }

    /// <summary>A span sent as address | length &lt;&lt; 48 in one register.</summary>
    public bool Packed { get; }

    /// <summary>The stub's default value as C# source, or null when there is none.</summary>
    public string? DefaultLiteral { get; }

    /// <summary>Registers the argument takes.</summary>
    public int Registers => (Kind == ArgumentKind.InBuffer || Kind == ArgumentKind.OutBuffer) && !Packed ? 2 : 1;
}
