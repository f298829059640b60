using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>Metadata names the generator looks for, and helpers to read them off symbols.</summary>
internal static class Names
{
    public const string MessageAttribute = "Microkernel.Ipc.IpcMessageAttribute";
    public const string ContractAttribute = "Microkernel.Ipc.IpcContractAttribute";
    public const string MethodAttribute = "Microkernel.Ipc.IpcMethodAttribute";
    public const string Utf8Attribute = "Microkernel.Ipc.Utf8Attribute";
    public const string Ipc = "global::Microkernel.Ipc.";

    public static AttributeData? Find(ISymbol symbol, string metadataName)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == metadataName)
            {
                return attribute;
            }
        }

        return null;
    }

    public static bool IsMessage(ITypeSymbol type) => type.TypeKind == TypeKind.Struct && Find(type, MessageAttribute) != null;

    public static string Global(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
