using Microkernel.Arch;
using Microkernel.Power;
using Microkernel.Runtime;

namespace Microkernel.Diagnostics;

/// <summary>What the kernel does after a panic report.</summary>
internal enum PanicAction : byte
{
    /// <summary>Stop the CPU; the report stays on the console (default).</summary>
    Halt,
    /// <summary>Reset the machine.</summary>
    Reboot,
    /// <summary>End QEMU through isa-debug-exit with the failure status (test images).</summary>
    ExitFailure,
}

/// <summary>The kernel's last words: a report, then the configured action.</summary>
/// <remarks>A panic inside a panic (the report itself faulting) skips straight to
/// the action, so a broken console cannot loop.</remarks>
internal static unsafe class Panic
{
    /// <summary>Set from the command line (panic=halt|reboot) or by test images.</summary>
    internal static PanicAction Action = PanicAction.Halt;
    private static int s_depth;

    /// <summary>Panics from kernel code. The report's rip is inside this method; the
    /// caller is the first entry of the stack list.</summary>
    internal static void Fail(System.ReadOnlySpan<byte> reason)
    {
        CrashReport.Registers r = default;
        r.Rip = Cpu.Here();
        r.Rbp = Cpu.ReadFramePointer();
        r.Rsp = (ulong)&r;
        r.Rflags = Cpu.ReadRflags();
        Report("kernel panic: "u8, reason, null, null, in r);
    }

    /// <summary>A CPU exception nobody recovered from.</summary>
    internal static void FromException(InterruptFrame* frame)
    {
        CrashReport.FromFrame(frame, out CrashReport.Registers r);
        Report("CPU exception "u8, InterruptVectors.Name(frame->Vector), null, null, in r);
    }

    /// <summary>The runtime's panic hook: a throw or a failed runtime check.</summary>
    internal static void FromRuntime(PanicInfo* info)
    {
        CrashReport.Registers r = default;
        // The site is a return address; report the call instruction itself (a throw
        // helper call is often the last instruction of its function, so the return
        // address can already belong to the next one).
        r.Rip = StackScanner.CallInstructionBefore(info->Site);
        r.Rbp = info->FramePointer;
        r.Rsp = (ulong)&r;
        r.Rflags = Cpu.ReadRflags();
        if (info->TypeName != null)
        {
            Report("throw "u8, default, info->TypeName, info->Message, in r);
        }
        else
        {
            Report("runtime "u8, default, info->Reason, info->Message, in r);
        }
    }

    private static void Report(System.ReadOnlySpan<byte> prefix, System.ReadOnlySpan<byte> reason,
                               string? typeName, string? message, in CrashReport.Registers r)
    {
        Cpu.DisableInterrupts();
        s_depth++;
        if (s_depth == 1)
        {
            System.Span<byte> text = stackalloc byte[96];
            int length = Append(text, 0, prefix);
            length = Append(text, length, reason);
            CrashReport.Write(text.Slice(0, length), typeName, message, in r, 0);
        }
        Finish();
    }

    private static void Finish()
    {
        switch (Action)
        {
            case PanicAction.Reboot:
                PowerControl.Reboot();
                break;
            case PanicAction.ExitFailure:
                DebugExit.Exit(DebugExit.Failure);
                break;
        }
        Cpu.HaltForever();
    }

    private static int Append(System.Span<byte> destination, int at, System.ReadOnlySpan<byte> text)
    {
        int n = System.Math.Min(text.Length, destination.Length - at);
        text.Slice(0, n).CopyTo(destination.Slice(at));
        return at + n;
    }
}
