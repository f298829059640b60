using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Microkernel.Abi.Generator;

/// <summary>The markdown reference of the system call table, for the host test that keeps
/// abi/SYSCALLS.md equal to the declaration (a generator cannot write files itself).</summary>
public static class SystemCallReference
{
    /// <summary>Renders the reference of the one [SystemCallTable] interface in
    /// <paramref name="compilation"/>; <paramref name="diagnostics"/> holds what is wrong with
    /// the declaration (the text is rendered anyway).</summary>
    public static string Render(Compilation compilation, out ImmutableArray<Diagnostic> diagnostics)
    {
        List<INamedTypeSymbol> tables = FindTables(compilation);
        if (tables.Count != 1)
        {
            diagnostics = ImmutableArray.Create(Diagnostic.Create(Diagnostics.TableCount, Location.None, compilation.AssemblyName, tables.Count));
            return string.Empty;
        }

        SystemCallTable table = TableReader.Read(tables[0], compilation);
        diagnostics = table.Diagnostics.ToImmutableArray();
        return ReferenceEmitter.Emit(table);
    }

    internal static List<INamedTypeSymbol> FindTables(Compilation compilation)
    {
        var tables = new List<INamedTypeSymbol>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (InterfaceDeclarationSyntax declaration in tree.GetRoot().DescendantNodes().OfType<InterfaceDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(declaration) is INamedTypeSymbol symbol && Names.Find(symbol, Names.TableAttribute) != null)
                {
                    tables.Add(symbol);
                }
            }
        }

        return tables;
    }
}
