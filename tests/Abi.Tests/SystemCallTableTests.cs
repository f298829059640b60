using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microkernel.Abi.Generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Microkernel.Abi.Tests;

/// <summary>The real declaration (abi/SystemCallTable.cs): its numbers are the ABI, userlib's
/// public surface is what services were written against, and abi/SYSCALLS.md is its reference.</summary>
public sealed class SystemCallTableTests
{
    /// <summary>Every name and number services and the kernel agree on (../shared/INTERFACES.md:
    /// numbers are ABI, never renumbered).</summary>
    private static readonly (string Name, ulong Number)[] s_abi =
    {
        ("Exit", 0), ("Log", 1), ("Clock", 2), ("Map", 3), ("Unmap", 4), ("Protect", 5), ("Yield", 6),
        ("Wait", 7), ("Notify", 8), ("Null", 9), ("Close", 10), ("ChannelCreate", 11), ("ProcessCreate", 12),
        ("ProcessGrant", 13), ("ProcessStart", 14), ("ProcessWait", 15), ("Sleep", 16), ("Debug", 17),
        ("NotifyWait", 18), ("ProcessStop", 19), ("ProcessKill", 20), ("ProcessSetRights", 21), ("LogRead", 22),
        ("LogExport", 23), ("SystemPower", 24), ("KernelInfo", 25), ("HostRead", 26), ("ServiceInfo", 27),
        ("ConsoleWrite", 28), ("Count", 29),
    };

    [Fact]
    public void GeneratedNumbersAreTheAbi()
    {
        (string, ulong)[] generated = Enum.GetValues<SystemCallNumber>().Select(v => (v.ToString(), (ulong)v)).OrderBy(p => p.Item2).ToArray();
        Assert.Equal(s_abi, generated);
    }

    /// <summary>userlib's public methods before the stubs were generated (sdk/userlib/SystemCall.cs
    /// at commit eac2d0d): generated plus hand-written, they must stay exactly these.</summary>
    private static readonly string[] s_userlibSurface =
    {
        "Microkernel.UserRuntime.SystemCall.Call(Microkernel.Abi.SystemCallNumber number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0) : long",
        "Microkernel.UserRuntime.SystemCall.ChannelCreate() : long",
        "Microkernel.UserRuntime.SystemCall.ClockNanoseconds() : long",
        "Microkernel.UserRuntime.SystemCall.Close(ulong handle) : long",
        "Microkernel.UserRuntime.SystemCall.ConsoleWrite(System.ReadOnlySpan<byte> line) : long",
        "Microkernel.UserRuntime.SystemCall.Debug(Microkernel.Abi.DebugOperation operation, ulong argument) : long",
        "Microkernel.UserRuntime.SystemCall.Exit(long status) : void",
        "Microkernel.UserRuntime.SystemCall.HostRead(System.Span<byte> buffer) : long",
        "Microkernel.UserRuntime.SystemCall.KernelInfo(System.Span<byte> buffer) : long",
        "Microkernel.UserRuntime.SystemCall.Log(System.ReadOnlySpan<byte> text) : long",
        "Microkernel.UserRuntime.SystemCall.Log(System.ReadOnlySpan<byte> text, Microkernel.Abi.LogSeverity level) : long",
        "Microkernel.UserRuntime.SystemCall.LogExport(System.ReadOnlySpan<byte> bytes) : long",
        "Microkernel.UserRuntime.SystemCall.LogRead(ulong afterSequence, System.Span<byte> buffer) : long",
        "Microkernel.UserRuntime.SystemCall.Map(ulong hint, ulong length, ulong protection, ulong flags) : long",
        "Microkernel.UserRuntime.SystemCall.Notify(ulong handle) : long",
        "Microkernel.UserRuntime.SystemCall.NotifyWait(ulong notifyHandle, ulong waitHandle) : long",
        "Microkernel.UserRuntime.SystemCall.NotifyWaitAny(ulong notifyHandle) : long",
        "Microkernel.UserRuntime.SystemCall.Null() : long",
        "Microkernel.UserRuntime.SystemCall.ProcessCreate(System.ReadOnlySpan<byte> name) : long",
        "Microkernel.UserRuntime.SystemCall.ProcessGrant(ulong process, ulong channel, System.ReadOnlySpan<byte> peerName, ulong replace) : long",
        "Microkernel.UserRuntime.SystemCall.ProcessKill(ulong process) : long",
        "Microkernel.UserRuntime.SystemCall.ProcessSetRights(ulong process, ulong rights) : long",
        "Microkernel.UserRuntime.SystemCall.ProcessStart(ulong process, ulong restarts) : long",
        "Microkernel.UserRuntime.SystemCall.ProcessStop(ulong process) : long",
        "Microkernel.UserRuntime.SystemCall.ProcessWait(ulong process, out long status, ulong timeoutNanoseconds = 0) : long",
        "Microkernel.UserRuntime.SystemCall.Protect(ulong address, ulong length, ulong protection) : long",
        "Microkernel.UserRuntime.SystemCall.ReadTsc() : ulong",
        "Microkernel.UserRuntime.SystemCall.ServiceInfo(ulong index, System.Span<byte> buffer) : long",
        "Microkernel.UserRuntime.SystemCall.Sleep(ulong nanoseconds) : long",
        "Microkernel.UserRuntime.SystemCall.SystemPower(ulong operation) : long",
        "Microkernel.UserRuntime.SystemCall.Unmap(ulong address, ulong length) : long",
        "Microkernel.UserRuntime.SystemCall.Wait(ulong handle, ulong timeoutNs = 0) : long",
        "Microkernel.UserRuntime.SystemCall.WaitAny(ulong timeoutNs = 0) : long",
        "Microkernel.UserRuntime.SystemCall.Yield() : long",
    };

    [Fact]
    public void UserlibKeepsItsPublicSurface()
    {
        var run = GeneratorRun.Of(AbiSources().Append(File.ReadAllText(Repository.File("sdk/userlib/SystemCall.cs"))));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        Assert.Equal(s_userlibSurface, PublicSignatures(run.Output));
    }

    [Fact]
    public void ReferenceMatchesTheDeclaration()
    {
        var run = GeneratorRun.Of(AbiSources());
        string expected = SystemCallReference.Render(run.Output, out ImmutableArray<Diagnostic> diagnostics);
        Assert.Empty(diagnostics);
        string path = Repository.File("abi/SYSCALLS.md");
        if (Environment.GetEnvironmentVariable("UPDATE_SYSCALL_REFERENCE") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), "abi/SYSCALLS.md is missing: UPDATE_SYSCALL_REFERENCE=1 dotnet test tests/s_abi.Tests writes it");
        Assert.True(expected == File.ReadAllText(path), "abi/SYSCALLS.md differs from abi/SystemCallTable.cs: UPDATE_SYSCALL_REFERENCE=1 dotnet test tests/s_abi.Tests rewrites it");
    }

    [Fact]
    public void EveryCallIsDocumentedWithItsHandler()
    {
        string reference = File.ReadAllText(Repository.File("abi/SYSCALLS.md"));
        foreach ((string name, ulong number) in s_abi.Where(p => p.Name != "Count"))
        {
            Assert.Contains("| " + number + " | ", reference, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Kernel handler: ``", reference, StringComparison.Ordinal);
    }

    private static IEnumerable<string> AbiSources() => Directory.GetFiles(Repository.File("abi"), "*.cs").Select(File.ReadAllText);

    /// <summary>"Name(parameter types) : return type" for every public static method of userlib's SystemCall, sorted.</summary>
    internal static string[] PublicSignatures(Compilation compilation)
    {
        INamedTypeSymbol type = compilation.GetTypeByMetadataName("Microkernel.UserRuntime.SystemCall") ?? throw new InvalidOperationException("no SystemCall");
        return type.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.DeclaredAccessibility == Accessibility.Public && m.MethodKind == MethodKind.Ordinary)
            .Select(m => m.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithParameterOptions(
                SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName | SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut)) + " : " + m.ReturnType.ToDisplayString())
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
    }
}
