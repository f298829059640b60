using System.Threading;
using Microkernel.Runtime;

namespace System.Runtime.CompilerServices;

/// <summary>The 8 bytes the compiler places just before a type's non-GC statics.</summary>
/// <remarks>Non-zero while the static constructor has not finished. Its size is a
/// contract with the compiler: anything larger overwrites the first static.</remarks>
public struct StaticClassConstructionContext
{
    /// <summary>Address of the static constructor; 0 once it has run.</summary>
    public volatile nint cctorMethodAddress;
}

/// <summary>Runs static constructors on first use, once, safely across CPUs.</summary>
/// <remarks>
/// Invariant: a context's address is cleared only after its constructor returned.
/// A constructor that touches its own statics re-enters here on the same CPU; the
/// runner recognises its own claim and lets it through (the C# rule: a type's own
/// cctor sees it as initialised). Another CPU that arrives meanwhile spins until the
/// address is cleared. Claims live in a small fixed table: no allocation, no lock
/// object, so this works before the heap exists.
/// </remarks>
internal static unsafe class ClassConstructorRunner
{
    private const int MaxRunning = 32;

    // Entry i is claimed when s_claimed[i] holds a context address; s_owner[i] is the
    // claiming CPU + 1, written only by that CPU after its claim succeeded and reset to
    // 0 before the claim is released, so a CPU can only ever read its own number there
    // while it is the one running that constructor.
    private static InlineClaims s_claimed;
    private static InlineOwners s_owner;

    [InlineArray(MaxRunning)]
    private struct InlineClaims { private nint _element; }

    [InlineArray(MaxRunning)]
    private struct InlineOwners { private uint _element; }

    private static object CheckStaticClassConstructionReturnGCStaticBase(StaticClassConstructionContext* context, object gcStaticBase)
    {
        EnsureClassConstructorRun(context);
        return gcStaticBase;
    }

    private static nint CheckStaticClassConstructionReturnNonGCStaticBase(StaticClassConstructionContext* context, nint nonGcStaticBase)
    {
        EnsureClassConstructorRun(context);
        return nonGcStaticBase;
    }

    private static void EnsureClassConstructorRun(StaticClassConstructionContext* context)
    {
        nint cctor = context->cctorMethodAddress;
        if (cctor == 0)
        {
            return;
        }

        uint cpu = RuntimeHooks.CurrentCpu();
        int claim = FindClaim((nint)context);
        if (claim >= 0)
        {
            if (Volatile.Read(ref s_owner[claim]) == cpu + 1)
            {
                return; // recursion from the running cctor
            }

            SpinUntilDone(context);
            return;
        }

        claim = TryClaim((nint)context, cpu);
        if (claim < 0)
        {
            // Someone else claimed it between our look and our claim.
            if (FindClaim((nint)context) >= 0 || context->cctorMethodAddress != 0)
            {
                SpinUntilDone(context);
            }

            return;
        }

        // Re-check: the cctor may have completed between the first read and the claim.
        cctor = context->cctorMethodAddress;
        if (cctor != 0)
        {
            ((delegate*<void>)cctor)();
            context->cctorMethodAddress = 0;
        }
        Volatile.Write(ref s_owner[claim], 0);
        Volatile.Write(ref s_claimed[claim], 0);
    }

    private static void SpinUntilDone(StaticClassConstructionContext* context)
    {
        while (context->cctorMethodAddress != 0) { }
    }

    private static int FindClaim(nint context)
    {
        for (int i = 0; i < MaxRunning; i++)
        {
            if (Volatile.Read(ref s_claimed[i]) == context)
            {
                return i;
            }
        }

        return -1;
    }

    private static int TryClaim(nint context, uint cpu)
    {
        // A claimed context must be unique: claim a free entry, then verify nobody
        // else claimed the same context in another entry; the lower index wins.
        for (int i = 0; i < MaxRunning; i++)
        {
            if (Volatile.Read(ref s_claimed[i]) != 0)
            {
                continue;
            }

            if (Interlocked.CompareExchange(ref s_claimed[i], context, 0) != 0)
            {
                continue;
            }

            Volatile.Write(ref s_owner[i], cpu + 1);
            for (int j = 0; j < i; j++)
            {
                if (Volatile.Read(ref s_claimed[j]) == context)
                {
                    Volatile.Write(ref s_owner[i], 0);
                    Volatile.Write(ref s_claimed[i], 0);
                    return -1;
                }
            }
            return i;
        }
        RuntimeHooks.FailFast("more than 32 static constructors running at once", 0);
        return -1;
    }
}
