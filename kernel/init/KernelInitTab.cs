using Microkernel.Console;

namespace Microkernel.Init;

/// <summary>The kernel's inittab (kernel/init/inittab): the components that come up
/// once memory, interrupts and the timer work, each with the term entry that undoes
/// it. Boot runs the init entries in (level, priority) order; shutdown runs the term
/// entries of exactly those that initialised, in reverse.</summary>
/// <remarks>Entries: platform/acpi (tables), platform/power-button (needs acpi),
/// system/shutdown (the coordinator thread), system/supervisor (term: stop every
/// service in reverse start order, with deadlines). Earlier boot steps (console, heap,
/// CPU tables, memory, timer) are a fixed sequence in <see cref="Kmain"/>: the inittab
/// itself needs them.</remarks>
internal static unsafe class KernelInitTab
{
    private static Microkernel.Init.InitTab? s_tab;

    /// <summary>Registers the entries and runs their init; a failing entry is logged
    /// with its code and its dependents are skipped.</summary>
    internal static void Run()
    {
        var tab = new InitTab();
        s_tab = tab;
        tab.Register("acpi"u8, InitLevel.Platform, 0, &Power.SystemAcpi.Initialize, null, default);
        tab.Register("power-button"u8, InitLevel.Platform, 5, &Power.PowerButton.Initialize, null, "acpi"u8);
        tab.Register("shutdown"u8, InitLevel.System, 0, &Power.Shutdown.Initialize, null, default);
        tab.Register("supervisor"u8, InitLevel.System, 5, &StartSupervisor, &Process.SupervisorLaunch.StopServices, default);
        LoggingObserver observer = default;
        tab.RunInit(ref observer, out _);
    }

    /// <summary>Runs the term entries in reverse init order (each at most once).</summary>
    internal static int RunTerm()
    {
        if (s_tab == null)
        {
            return 0;
        }

        LoggingObserver observer = default;
        return s_tab.RunTerm(ref observer);
    }

    private static int StartSupervisor() => Process.SupervisorLaunch.Start() ? 0 : 1;

    /// <summary>Logs <c>init LEVEL/NAME ok|failed (code)|skipped</c> and <c>term LEVEL/NAME</c>.</summary>
    private struct LoggingObserver : IInitTabObserver
    {
        public void InitStarting(InitLevel level, System.ReadOnlySpan<byte> name) { }

        public void InitSucceeded(InitLevel level, System.ReadOnlySpan<byte> name) => Line(LogLevel.Info, "init "u8, level, name, " ok"u8, 0, false);

        public void InitFailed(InitLevel level, System.ReadOnlySpan<byte> name, int code) => Line(LogLevel.Warning, "init "u8, level, name, " failed with code "u8, code, true);

        public void InitSkipped(InitLevel level, System.ReadOnlySpan<byte> name, InitSkipReason reason, System.ReadOnlySpan<byte> dependency)
        {
            LogLine line = Log.Begin(LogLevel.Warning, "init"u8);
            line.Text("init "u8); line.Text(InitLevels.Name(level)); line.Text("/"u8); line.Text(name);
            line.Text(" skipped: needs "u8); line.Text(dependency);
            line.End();
        }

        public void TermStarting(InitLevel level, System.ReadOnlySpan<byte> name) => Line(LogLevel.Info, "term "u8, level, name, ""u8, 0, false);

        public void TermFinished(InitLevel level, System.ReadOnlySpan<byte> name, int code)
        {
            if (code != 0)
            {
                Line(LogLevel.Warning, "term "u8, level, name, " ended with code "u8, code, true);
            }
        }

        private static void Line(LogLevel severity, System.ReadOnlySpan<byte> verb, InitLevel level, System.ReadOnlySpan<byte> name, System.ReadOnlySpan<byte> tail, int code, bool withCode)
        {
            LogLine line = Log.Begin(severity, "init"u8);
            line.Text(verb); line.Text(InitLevels.Name(level)); line.Text("/"u8); line.Text(name); line.Text(tail);
            if (withCode)
            {
                line.Decimal(code);
            }

            line.End();
        }
    }
}
