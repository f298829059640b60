using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Microkernel.BootTests;

/// <summary>The deliberate crashes of out/test.elf (<c>-append crash=CASE</c>) and what
/// each must report; each case boots once and is symbolized once per test run.</summary>
public static class CrashRuns
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<SymbolizerResult>>> s_symbolized = new();

    /// <summary>Every crash case with what its report must show.</summary>
    public static readonly CrashExpectation[] All =
    {
        new("nullref", "#PF", "CrashCases__NullDereference", OnRip: true),
        new("divzero", "#DE", "CrashCases__DivideByZero", OnRip: true),
        new("ud", "#UD", "CrashCases__InvalidOpcode", OnRip: false),
        new("panic", "kernel panic", "CrashCases__ExplicitPanic", OnRip: false),
        new("throw", "throw System.InvalidOperationException: crash test", "CrashCases__ThrowInvalidOperation", OnRip: true),
        new("write-text", "#PF", "CrashCases__WriteKernelText", OnRip: true),
        new("exec-data", "#PF", "CrashCases__ExecuteData", OnRip: false),
        new("exec-stack", "#PF", "CrashCases__ExecuteStack", OnRip: false),
        new("stack-overflow", "#DF", "CrashCases__Recurse", OnRip: true),
    };

    /// <summary>The case names, as theory data.</summary>
    public static TheoryData<string> Names => new(All.Select(c => c.Case));

    /// <summary>(case, text the <c>*** PANIC:</c> line must contain), as theory data.</summary>
    public static TheoryData<string, string> Reasons
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (CrashExpectation c in All)
            {
                data.Add(c.Case, c.Reason);
            }

            return data;
        }
    }

    /// <summary>(case, method, whether it must be on the <c>rip</c> row), as theory data.</summary>
    public static TheoryData<string, string, bool> Methods
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (CrashExpectation c in All)
            {
                data.Add(c.Case, c.Method, c.OnRip);
            }

            return data;
        }
    }

    /// <summary>How a crash case is booted: pc, 32M, one CPU.</summary>
    public static BootConfig Config(string crashCase) => new("test", "pc", "32M", Append: "crash=" + crashCase);

    /// <summary>Boots the crash case until QEMU exits.</summary>
    public static Task<BootRun> RunAsync(string crashCase) => BootRuns.UntilExitAsync(Config(crashCase));

    /// <summary>The case's serial output piped through the symbolizer for out/test.elf.</summary>
    public static Task<SymbolizerResult> SymbolizedAsync(string crashCase) =>
        s_symbolized.GetOrAdd(crashCase, c => new Lazy<Task<SymbolizerResult>>(async () =>
        {
            BootRun run = await RunAsync(c).ConfigureAwait(false);
            return await Symbolizer.RunAsync(RepoPaths.Image("test"), run.Lines).ConfigureAwait(false);
        })).Value;
}
