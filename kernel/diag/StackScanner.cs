namespace Microkernel.Diagnostics;

/// <summary>Finds the return addresses on a stack without unwind tables.</summary>
/// <remarks>The compiler does not keep a frame-pointer chain in every function, so a
/// frame walk would miss callers. Instead this scans the stack words from the fault
/// upward and keeps those that point into kernel code right after a call
/// instruction (E8 rel32, or FF /2 register/memory forms). That is the set a
/// debugger's heuristic unwinder uses; the host symbolizer names each one.</remarks>
internal static unsafe class StackScanner
{
    /// <summary>Fills <paramref name="found"/> with candidate return addresses between
    /// <paramref name="from"/> and <paramref name="limit"/>; returns how many.</summary>
    internal static int Scan(ulong from, ulong limit, ulong textStart, ulong textEnd, System.Span<ulong> found)
    {
        int count = 0;
        from &= ~7UL;
        if (limit <= from)
        {
            return 0;
        }
        // Never scan more than 16 KiB: a corrupt stack pointer must not make the
        // report walk the whole address space.
        if (limit - from > 16 * 1024)
        {
            limit = from + 16 * 1024;
        }

        for (ulong p = from; p + 8 <= limit && count < found.Length; p += 8)
        {
            // Read through the nofault probe: after a stack overflow the scan starts in
            // the guard page, and a fault inside the report would cut it short.
            if (!Arch.FaultFixups.TryRead(p, out ulong candidate))
            {
                p = (p | 4095) - 7; // skip to the next page
                continue;
            }
            // Stale copies of the same return address sit in dead frames; list it once
            // per run so the report stays readable.
            if (IsReturnAddress(candidate, textStart, textEnd) && (count == 0 || found[count - 1] != candidate))
            {
                found[count++] = candidate;
            }
        }
        return count;
    }

    /// <summary>The address of the call instruction that <paramref name="returnAddress"/>
    /// returns past (its encoded length decides), or returnAddress - 1 when no call
    /// form matches.</summary>
    internal static ulong CallInstructionBefore(ulong returnAddress)
    {
        if (returnAddress < 8)
        {
            return returnAddress;
        }

        byte* p = (byte*)returnAddress;
        if (p[-5] == 0xE8)
        {
            return returnAddress - 5;
        }

        if (p[-2] == 0xFF && (p[-1] & 0x38) == 0x10)
        {
            return returnAddress - 2;
        }

        if (p[-3] == 0xFF && (p[-2] & 0x38) == 0x10)
        {
            return returnAddress - 3;
        }

        if (p[-6] == 0xFF && (p[-5] & 0x38) == 0x10)
        {
            return returnAddress - 6;
        }

        if (p[-7] == 0xFF && (p[-6] & 0x38) == 0x10)
        {
            return returnAddress - 7;
        }

        return returnAddress - 1;
    }

    /// <summary>True when <paramref name="address"/> is in code and follows a call.</summary>
    internal static bool IsReturnAddress(ulong address, ulong textStart, ulong textEnd)
    {
        if (address < textStart + 7 || address >= textEnd)
        {
            return false;
        }

        byte* p = (byte*)address;
        if (p[-5] == 0xE8)
        {
            return true;                       // call rel32
        }

        if (p[-2] == 0xFF && (p[-1] & 0x38) == 0x10)
        {
            return true;      // call reg / [reg]
        }

        if (p[-3] == 0xFF && (p[-2] & 0x38) == 0x10)
        {
            return true;      // call [reg+disp8]
        }

        if (p[-6] == 0xFF && (p[-5] & 0x38) == 0x10)
        {
            return true;      // call [rip+disp32] / [reg+disp32]
        }

        if (p[-7] == 0xFF && (p[-6] & 0x38) == 0x10)
        {
            return true;      // call [reg+index*s+disp32]
        }

        return false;
    }
}
