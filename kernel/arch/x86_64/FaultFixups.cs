using System.Runtime.InteropServices;

namespace Microkernel.Arch;

/// <summary>Exception fix-ups ("nofault"): instructions allowed to fault, and where
/// each resumes, so a bad address becomes an error code instead of a panic.</summary>
/// <remarks>
/// The table holds the probe read/write and the nofault copy of cpu.asm. A fault at
/// one of those instructions (page fault or general protection, e.g. a
/// non-canonical address) resumes at its fix-up. System calls copy user memory only
/// through <see cref="TryCopy"/>, after checking the range lies in user space.
/// The execute probe is the one fix-up that is not in the table: a fetch fault
/// happens at the target, so it is recognised by the armed flag and the fetch bit.
/// </remarks>
internal static unsafe class FaultFixups
{
    [DllImport("*", EntryPoint = "mk_fixup_table"), SuppressGCTransition]
    private static extern void FillTable(ulong* pairs);
    [DllImport("*", EntryPoint = "mk_probe_read64"), SuppressGCTransition]
    private static extern bool ProbeRead64(ulong address, ulong* value);
    [DllImport("*", EntryPoint = "mk_probe_write64"), SuppressGCTransition]
    private static extern bool ProbeWrite64(ulong address, ulong value);
    [DllImport("*", EntryPoint = "mk_copy_nofault"), SuppressGCTransition]
    private static extern ulong CopyNoFault(void* destination, void* source, ulong length);
    [DllImport("*", EntryPoint = "mk_probe_execute"), SuppressGCTransition]
    private static extern bool ProbeExecute(ulong code);

    private const int Entries = 3;
    private const int ExecuteFixupSlot = Entries * 2 + 1;

    [System.Runtime.CompilerServices.InlineArray(Entries * 2 + 2)]
    private struct Table { private ulong _element; }

    private static Table s_table;
    private static bool s_executeProbeArmed;

    /// <summary>Faults survived through a fix-up.</summary>
    internal static ulong Recovered;

    internal static void Initialize()
    {
        fixed (ulong* pairs = &s_table[0])
        {
            FillTable(pairs);
        }
    }

    /// <summary>Reads 8 bytes at <paramref name="address"/>; false if that faults.</summary>
    internal static bool TryRead(ulong address, out ulong value)
    {
        ulong v = 0;
        bool ok = ProbeRead64(address, &v);
        value = v;
        return ok;
    }

    /// <summary>Writes 8 bytes at <paramref name="address"/>; false if that faults.</summary>
    internal static bool TryWrite(ulong address, ulong value) => ProbeWrite64(address, value);

    /// <summary>Copies <paramref name="length"/> bytes; returns how many were NOT
    /// copied (0 = success) when either side faults part way.</summary>
    internal static ulong TryCopy(void* destination, void* source, ulong length) =>
        length == 0 ? 0 : CopyNoFault(destination, source, length);

    /// <summary>Calls <paramref name="code"/>; false when fetching it faults (no-execute
    /// or unmapped). The code must be a bare `ret` if it does run.</summary>
    internal static bool TryExecute(ulong code)
    {
        s_executeProbeArmed = true;
        bool ran = ProbeExecute(code);
        s_executeProbeArmed = false;
        return ran;
    }

    /// <summary>If the faulting instruction has a fix-up, resumes there and returns true.</summary>
    internal static bool TryFix(InterruptFrame* frame)
    {
        if (frame->Vector != InterruptVectors.PageFault && frame->Vector != InterruptVectors.GeneralProtection)
        {
            return false;
        }

        for (int i = 0; i < Entries; i++)
        {
            if (s_table[2 * i] != 0 && frame->Rip == s_table[2 * i])
            {
                frame->Rip = s_table[2 * i + 1];
                Recovered++;
                return true;
            }
        }
        const ulong InstructionFetch = 1 << 4;
        if (s_executeProbeArmed && frame->Vector == InterruptVectors.PageFault && (frame->ErrorCode & InstructionFetch) != 0)
        {
            // Drop the probed call's return address and leave through the fix-up,
            // which returns false from the probe.
            frame->Rip = s_table[ExecuteFixupSlot];
            frame->Rsp += 8;
            s_executeProbeArmed = false;
            Recovered++;
            return true;
        }
        return false;
    }
}
