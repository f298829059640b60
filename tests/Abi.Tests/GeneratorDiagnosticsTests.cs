using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Microkernel.Abi.Tests;

/// <summary>The generator turns every bad declaration into a compile error and emits code that
/// compiles from a good one.</summary>
public sealed class GeneratorDiagnosticsTests
{
    [Fact]
    public void ValidDeclarationGeneratesCodeThatCompiles()
    {
        var run = GeneratorRun.Of(GeneratorRun.AbiSupport().Append(ProbeSources.With()));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        Assert.Equal(new[] { "Kernel.Dispatch.g.cs", "SystemCallNumber.g.cs", "User.Stubs.g.cs" },
            run.Sources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
    }

    private const string Duplicate = ProbeSources.Table + """

        [SystemCall(0, "again", Handler = "Probe.Handlers.Tick")]
        long Again();
        """;

    private const string NoHandler = ProbeSources.Table + """

        [SystemCall(7, "nohandler")]
        long NoHandler();
        """;

    private const string FiveRegisters = ProbeSources.Table + """

        [SystemCall(7, "big", Handler = "Probe.Handlers.Tick")]
        long Big(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ulong c);
        """;

    private const string StringArgument = ProbeSources.Table + """

        [SystemCall(7, "text", Handler = "Probe.Handlers.Tick")]
        long Text(string text);
        """;

    private const string SameName = ProbeSources.Table + """

        [SystemCall(7, "first", Handler = "Probe.Handlers.Tick")]
        long Other();
        """;

    private const string Undeclared = ProbeSources.Table + """

        long Forgotten();
        """;

    private const string IntResult = ProbeSources.Table + """

        [SystemCall(7, "odd", Handler = "Probe.Handlers.Tick")]
        int Odd();
        """;

    private const string UnknownHandler = ProbeSources.Table + """

        [SystemCall(7, "lost", Handler = "Probe.Handlers.Nowhere")]
        long Lost();
        """;

    private const string WrongHandler = ProbeSources.Table + """

        [SystemCall(7, "mismatch", Handler = "Probe.Handlers.Write")]
        long Mismatch(ulong a);
        """;

    [Theory]
    [InlineData(Duplicate, "ABI001")]
    [InlineData(NoHandler, "ABI002")]
    [InlineData(FiveRegisters, "ABI003")]
    [InlineData(StringArgument, "ABI004")]
    [InlineData(SameName, "ABI005")]
    [InlineData(Undeclared, "ABI006")]
    [InlineData(IntResult, "ABI007")]
    [InlineData(UnknownHandler, "ABI008")]
    [InlineData(WrongHandler, "ABI009")]
    public void BadDeclarationsAreCompileErrors(string table, string expectedId)
    {
        var run = GeneratorRun.Of(GeneratorRun.AbiSupport().Append(ProbeSources.With(table)));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == expectedId && d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void DispatcherWithoutPartialMethodIsAnError()
    {
        string dispatcher = ProbeSources.Dispatcher.Replace("private static partial long Call(Frame* frame);", string.Empty)
            .Replace("return Call(&frame);", "return frame.Rdi > 0 ? 0 : 1;");
        Assert.Contains(Run(dispatcher: dispatcher), d => d.Id == "ABI010");
    }

    [Fact]
    public void RightWithoutCallerHasIsAnError()
    {
        string dispatcher = ProbeSources.Dispatcher.Replace("private static bool CallerHas(ProcessRights right) => Allowed && right == ProcessRights.Console;", string.Empty);
        Assert.Contains(Run(dispatcher: dispatcher), d => d.Id == "ABI011");
    }

    [Fact]
    public void ResultTypeWithoutFailIsAnError()
    {
        string source = ProbeSources.TypedResult.Replace("internal static Outcome Fail(long errno) => new Outcome(-errno);", string.Empty);
        Assert.Contains(GeneratorRun.Of(GeneratorRun.AbiSupport().Append(source)).GeneratorDiagnostics, d => d.Id == "ABI014");
    }

    [Fact]
    public void HandlerOfAnotherResultTypeIsAnError()
    {
        string source = ProbeSources.TypedResult.Replace("internal static Outcome Guarded() => Outcome.Ok(7);", "internal static long Guarded() => 7;");
        Assert.Contains(GeneratorRun.Of(GeneratorRun.AbiSupport().Append(source)).GeneratorDiagnostics, d => d.Id == "ABI009");
    }

    [Fact]
    public void StubsWithoutTableIsAnError() =>
        Assert.Contains(GeneratorRun.Of(GeneratorRun.AbiSupport().Append(ProbeSources.With(withTable: false))).GeneratorDiagnostics, d => d.Id == "ABI012");

    [Fact]
    public void StubsClassNotPartialIsAnError()
    {
        string stubs = ProbeSources.Stubs.Replace("public static unsafe partial class User", "public static unsafe class User");
        Assert.Contains(Run(stubs: stubs), d => d.Id == "ABI013");
    }

    private static System.Collections.Immutable.ImmutableArray<Diagnostic> Run(string dispatcher = ProbeSources.Dispatcher, string stubs = ProbeSources.Stubs) =>
        GeneratorRun.Of(GeneratorRun.AbiSupport().Append(ProbeSources.With(dispatcher: dispatcher, stubs: stubs))).GeneratorDiagnostics;
}
