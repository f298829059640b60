using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microkernel.Abi.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Microkernel.Abi.Tests;

/// <summary>Runs the ABI generator over C# sources the way the compiler does, and keeps what it
/// reported, what it generated and the compilation that results.</summary>
internal sealed class GeneratorRun
{
    private GeneratorRun(ImmutableArray<Diagnostic> generator, Compilation output, ImmutableArray<GeneratedSourceResult> sources)
    {
        GeneratorDiagnostics = generator;
        Output = output;
        Sources = sources;
    }

    /// <summary>What the generator reported.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    /// <summary>The compilation with the generated sources added.</summary>
    public Compilation Output { get; }

    public ImmutableArray<GeneratedSourceResult> Sources { get; }

    /// <summary>Compile errors of the output (generated code included).</summary>
    public ImmutableArray<Diagnostic> CompileErrors =>
        Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();

    /// <summary>The abi/ sources a probe needs (attributes, Errno, ProcessRights), without the real table.</summary>
    public static IEnumerable<string> AbiSupport() =>
        Directory.GetFiles(Repository.File("abi"), "*.cs").Where(f => Path.GetFileName(f) != "SystemCallTable.cs").Select(File.ReadAllText);

    public static GeneratorRun Of(IEnumerable<string> sources)
    {
        MetadataReference[] references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location) && a.GetName().Name != "Microkernel.Abi.Tests")
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
            .ToArray();
        var options = new CSharpParseOptions(LanguageVersion.Preview, DocumentationMode.Parse);
        var compilation = CSharpCompilation.Create(
            "Probe",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, options)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new AbiGenerator().AsSourceGenerator() }, parseOptions: options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun(diagnostics, output, driver.GetRunResult().Results.Single().GeneratedSources);
    }

    /// <summary>The output compiled and loaded, for tests that run the generated code.</summary>
    public Assembly Load()
    {
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = Output.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
        }

        return Assembly.Load(image.ToArray());
    }
}
