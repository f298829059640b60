using System;
using System.Collections.Immutable;
using System.Linq;
using Microkernel.Ipc;
using Microkernel.Ipc.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Microkernel.Ipc.Tests;

/// <summary>The generator refuses declarations it cannot encode faithfully, and what it emits compiles.</summary>
public sealed class GeneratorDiagnosticsTests
{
    private static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compilation) Run(string source)
    {
        MetadataReference[] references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
            .Append(MetadataReference.CreateFromFile(typeof(IpcMessageAttribute).Assembly.Location))
            .ToArray();
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            "Probe",
            new[] { CSharpSyntaxTree.ParseText(source, options) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new IpcGenerator().AsSourceGenerator() }, parseOptions: options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (diagnostics, output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray());
    }

    [Fact]
    public void ValidDeclarationsGenerateCodeThatCompiles()
    {
        const string Source = """
            using System;
            using Microkernel.Ipc;
            namespace Probe;
            [IpcMessage] public ref partial struct Ask { [Utf8] public ReadOnlySpan<byte> Name; public long Id; }
            [IpcMessage] public partial struct Answer { public bool Ok; }
            [IpcContract(7)] public interface IThing { [IpcMethod(1)] Answer Get(in Ask a); [IpcMethod(2)] void Tell(Ask a); }
            public static class Use
            {
                // Fails to compile unless the codec, dispatcher and client were generated.
                public static int All(ref MessagePackWriter w, ref MessagePackReader r, in Ask a, IThing handler, ThingClient client)
                {
                    a.Encode(ref w);
                    IMessageDispatcher d = new ThingDispatcher(handler);
                    client.TrySendGet(a, out uint id);
                    client.TrySendTell(a);
                    return Answer.TryDecode(ref r, out Answer answer) && answer.Ok ? (int)id : Ask.WireFieldCount + (int)d.ContractId;
                }
            }
            """;
        (ImmutableArray<Diagnostic> generator, ImmutableArray<Diagnostic> compilation) = Run(Source);
        Assert.Empty(generator);
        Assert.Empty(compilation);
    }

    [Theory]
    [InlineData("[IpcMessage] public partial struct M { public string Name; }", "IPC001")]
    [InlineData("[IpcMessage] public partial struct M { public double Ratio; }", "IPC001")]
    [InlineData("[IpcMessage] public struct M { public int A; }", "IPC002")]
    [InlineData("[IpcMessage] public partial struct M { private int _hidden; public int A; }", "IPC003")]
    [InlineData("[IpcMessage] public partial struct M { public int A { get; set; } }", "IPC003")]
    [InlineData("[IpcMessage] public partial struct M { public int A; } [IpcContract(1)] public interface IC { M Get(in M m); }", "IPC004")]
    [InlineData("[IpcMessage] public partial struct M { public int A; } [IpcContract(1)] public interface IC { [IpcMethod(1)] M Get(int x); }", "IPC004")]
    [InlineData("[IpcMessage] public partial struct M { public int A; } [IpcContract(1)] public interface IC { [IpcMethod(1)] M A1(in M m); [IpcMethod(1)] M A2(in M m); }", "IPC005")]
    public void BadDeclarationsAreCompileErrors(string declarations, string expectedId)
    {
        (ImmutableArray<Diagnostic> generator, _) = Run("using System; using Microkernel.Ipc; namespace Probe; " + declarations);
        Assert.Contains(generator, d => d.Id == expectedId && d.Severity == DiagnosticSeverity.Error);
    }
}
