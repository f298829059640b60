using System;
using Microkernel.Boot;
using Microkernel.Console;
using Microkernel.Diagnostics;
using Microkernel.Init;
using Microkernel.Power;

namespace Microkernel.Tests;

/// <summary>The test image's main: runs every registered case and reports TAP on
/// COM1 (plan, then "ok N - room/case" or "not ok N - room/case # why"), then ends
/// QEMU through isa-debug-exit: status 1 when all passed, 3 otherwise.</summary>
/// <remarks>With <c>crash=CASE</c> on the command line it runs that deliberate crash
/// instead (<see cref="CrashCases"/>), for the host's crash-report tests.</remarks>
internal static unsafe class TestMain
{
    internal static void Run(in BootInfo bootInfo)
    {
        // A test image must never sit halted: any panic ends QEMU with "failed".
        Panic.Action = PanicAction.ExitFailure;

        if (CommandLineSettings.Current.TryGet("crash"u8, out System.ReadOnlySpan<byte> crashCase))
        {
            CrashCases.Run(crashCase);
            Log.Write(LogLevel.Error, "test"u8, "unknown crash case"u8);
            DebugExit.Exit(DebugExit.Failure);
            return;
        }

        // power=off|reboot: the power paths themselves, for the host's boot tests.
        if (CommandLineSettings.Current.Is("power"u8, "off"u8))
        {
            PowerControl.PowerOff();
        }

        if (CommandLineSettings.Current.Is("power"u8, "reboot"u8))
        {
            Log.Write(LogLevel.Info, "power"u8, "rebooting"u8);
            PowerControl.Reboot();
        }

        if (CommandLineSettings.Current.TryGet("bench"u8, out System.ReadOnlySpan<byte> benchmark))
        {
            if (benchmark.SequenceEqual("memory"u8))
            {
                MemoryBenchmarks.Run();
            }
            else if (benchmark.SequenceEqual("kernel"u8))
            {
                KernelBenchmarks.Run();
            }
            else if (benchmark.SequenceEqual("services"u8))
            {
                ServiceBenchmarks.Run();
            }
            else
            {
                Log.Write(LogLevel.Error, "bench"u8, "unknown benchmark"u8);
            }

            DebugExit.Exit(DebugExit.Success);
            return;
        }

        Kmain.ReportReady();
        TestSuites.RegisterAll();
        int total = TestRegistry.Count;
        var plan = new LogLine(true);
        plan.Text("1.."u8);
        plan.Decimal((long)total);
        plan.End();

        int failed = 0;
        for (int i = 0; i < total; i++)
        {
            ref TestCase testCase = ref TestRegistry.Get(i);
            TestResult result = default;
            testCase.Body(ref result);
            if (result.Checks == 0 && !result.Failed)
            {
                // A case that checked nothing proves nothing.
                result.BeginFailure();
                result.Append("the case made no checks"u8);
            }
            if (result.Failed)
            {
                failed++;
            }

            var line = new LogLine(true);
            line.Text(result.Failed ? "not ok "u8 : "ok "u8);
            line.Decimal((long)(i + 1));
            line.Text(" - "u8);
            line.Text(testCase.Name);
            if (result.Failed)
            {
                line.Text(" # "u8);
                line.Text(result.Message);
            }
            line.End();
        }

        var summary = new LogLine(true);
        summary.Text("# "u8);
        summary.Decimal((long)(total - failed));
        summary.Text(" passed, "u8);
        summary.Decimal((long)failed);
        summary.Text(" failed"u8);
        summary.End();
        DebugExit.Exit(failed == 0 ? DebugExit.Success : DebugExit.Failure);
        Arch.Cpu.HaltForever();
    }
}
