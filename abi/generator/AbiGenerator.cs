using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Microkernel.Abi.Generator;

/// <summary>Incremental generator over the system call declaration: the number enum wherever
/// the [SystemCallTable] interface is compiled, the typed stubs into a [SystemCallStubs]
/// class (userlib) and the dispatch into a [SystemCallDispatcher] class (the kernel). A
/// syscall is declared once; a bad declaration is a compile error, not a wrong table.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class AbiGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<SystemCallTable> tables = context.SyntaxProvider.ForAttributeWithMetadataName(
            Names.TableAttribute,
            static (node, _) => node is InterfaceDeclarationSyntax,
            static (ctx, _) => TableReader.Read((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation));

        IncrementalValuesProvider<INamedTypeSymbol> stubs = context.SyntaxProvider.ForAttributeWithMetadataName(
            Names.StubsAttribute,
            static (node, _) => node is ClassDeclarationSyntax,
            static (ctx, _) => (INamedTypeSymbol)ctx.TargetSymbol);

        IncrementalValuesProvider<INamedTypeSymbol> dispatchers = context.SyntaxProvider.ForAttributeWithMetadataName(
            Names.DispatcherAttribute,
            static (node, _) => node is ClassDeclarationSyntax,
            static (ctx, _) => (INamedTypeSymbol)ctx.TargetSymbol);

        IncrementalValueProvider<ImmutableArray<SystemCallTable>> allTables = tables.Collect();

        context.RegisterSourceOutput(tables, static (spc, table) =>
        {
            foreach (Diagnostic diagnostic in table.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic);
            }

            if (!table.HasErrors)
            {
                spc.AddSource(Names.NumberEnum + ".g.cs", NumberEnumEmitter.Emit(table));
            }
        });

        context.RegisterSourceOutput(stubs.Combine(allTables), static (spc, pair) =>
        {
            SystemCallTable? table = OnlyTable(spc, pair.Left, pair.Right);
            if (table == null)
            {
                return;
            }

            if (!PartialClass.CanExtend(pair.Left))
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.NotPartial, pair.Left.Locations.FirstOrDefault(), pair.Left.Name));
                return;
            }

            spc.AddSource(pair.Left.Name + ".Stubs.g.cs", StubEmitter.Emit(table, pair.Left));
        });

        context.RegisterSourceOutput(dispatchers.Combine(allTables).Combine(context.CompilationProvider), static (spc, input) =>
        {
            SystemCallTable? table = OnlyTable(spc, input.Left.Left, input.Left.Right);
            if (table == null)
            {
                return;
            }

            GeneratedFile file = DispatchEmitter.Emit(table, input.Left.Left, input.Right);
            foreach (Diagnostic diagnostic in file.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic);
            }

            if (file.Text.Length > 0)
            {
                spc.AddSource(file.HintName, file.Text);
            }
        });
    }

    /// <summary>The table a stubs or dispatcher class is generated from: exactly one, without
    /// errors (its own errors are reported where it is declared).</summary>
    private static SystemCallTable? OnlyTable(SourceProductionContext context, INamedTypeSymbol target, ImmutableArray<SystemCallTable> tables)
    {
        if (tables.Length != 1)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.TableCount, target.Locations.FirstOrDefault(), target.Name, tables.Length));
            return null;
        }

        return tables[0].HasErrors ? null : tables[0];
    }
}
