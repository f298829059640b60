using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Microkernel.Abi.Generator;

/// <summary>How to reopen a partial class the generator adds to.</summary>
internal static class PartialClass
{
    /// <summary>True when every declaration of <paramref name="type"/> is partial and it is not nested.</summary>
    public static bool CanExtend(INamedTypeSymbol type)
    {
        if (type.ContainingType != null)
        {
            return false;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not ClassDeclarationSyntax declaration || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Opens the namespace and the class (unsafe, static when the class is) on <paramref name="writer"/>.</summary>
    public static void Open(SourceWriter writer, INamedTypeSymbol type)
    {
        if (!type.ContainingNamespace.IsGlobalNamespace)
        {
            writer.Open("namespace " + type.ContainingNamespace.ToDisplayString());
        }

        writer.Open((type.IsStatic ? "static " : string.Empty) + "unsafe partial class " + type.Name);
    }

    public static void Close(SourceWriter writer, INamedTypeSymbol type)
    {
        writer.Close();
        if (!type.ContainingNamespace.IsGlobalNamespace)
        {
            writer.Close();
        }
    }
}
