using System.Runtime.InteropServices;

namespace Microkernel.Arch
{
    /// <summary>Exception fix-ups: instructions allowed to fault, and where each resumes.</summary>
    /// <remarks>The page-fault path consults this before declaring a panic, so a probe
    /// of a bad address returns an error instead of crashing the kernel. Today it holds
    /// the one probe routine in cpu.asm; the memory issue's nofault copies add theirs.</remarks>
    internal static unsafe class FaultFixups
    {
        [DllImport("*", EntryPoint = "mk_fixup_addresses"), SuppressGCTransition]
        private static extern void FixupAddresses(ulong* faultIp, ulong* fixupIp);

        [DllImport("*", EntryPoint = "mk_probe_read64"), SuppressGCTransition]
        private static extern bool ProbeRead64(ulong address, ulong* value);

        private static ulong s_probeFault;
        private static ulong s_probeFixup;

        /// <summary>Faults survived through a fix-up.</summary>
        internal static ulong Recovered;

        internal static void Initialize()
        {
            ulong fault, fixup;
            FixupAddresses(&fault, &fixup);
            s_probeFault = fault;
            s_probeFixup = fixup;
        }

        /// <summary>Reads 8 bytes at <paramref name="address"/>; false if that faults.</summary>
        internal static bool TryRead(ulong address, out ulong value)
        {
            ulong v = 0;
            bool ok = ProbeRead64(address, &v);
            value = v;
            return ok;
        }

        /// <summary>If the faulting instruction has a fix-up, resumes there and returns true.</summary>
        internal static bool TryFix(InterruptFrame* frame)
        {
            if (frame->Vector != InterruptVectors.PageFault && frame->Vector != InterruptVectors.GeneralProtection)
                return false;
            if (s_probeFault == 0 || frame->Rip != s_probeFault) return false;
            frame->Rip = s_probeFixup;
            Recovered++;
            return true;
        }
    }
}
