using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>
/// Incremental generator: every [IpcMessage] struct gets a codec, every [IpcContract]
/// interface a dispatcher and a client. Adding a message is one declaration.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class IpcGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<GeneratedSource> messages = context.SyntaxProvider.ForAttributeWithMetadataName(
            Names.MessageAttribute,
            static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.StructDeclarationSyntax,
            static (ctx, _) => MessageCodecEmitter.Emit((INamedTypeSymbol)ctx.TargetSymbol));

        IncrementalValuesProvider<GeneratedSource> contracts = context.SyntaxProvider.ForAttributeWithMetadataName(
            Names.ContractAttribute,
            static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.InterfaceDeclarationSyntax,
            static (ctx, _) => ContractEmitter.Emit((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0]));

        context.RegisterSourceOutput(messages, Produce);
        context.RegisterSourceOutput(contracts, Produce);
    }

    private static void Produce(SourceProductionContext context, GeneratedSource source)
    {
        foreach (Diagnostic diagnostic in source.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }

        if (source.Text.Length > 0)
        {
            context.AddSource(source.HintName, source.Text);
        }
    }
}
