namespace Microkernel.Memory.Virtual;

/// <summary>
/// Receives the ranges an <see cref="AddressSpaceMap"/> operation unmapped or re-protected,
/// so the caller can update page tables, flush TLBs and free frames; the map itself never
/// touches either. Calls come in increasing address order, one per affected piece of an
/// area, and only from operations that succeed. A sink must not call back into the map.
/// </summary>
/// <remarks>
/// Operations take the sink as a generic <c>struct</c> parameter (<c>ref TSink</c>), like
/// the boot parsers take <c>IPhysicalMemoryReader</c>: one specialised copy per sink with
/// direct calls, no boxing.
/// </remarks>
public interface IVmRangeSink
{
    /// <summary><c>[area.Start, area.End)</c> was mapped with <paramref name="area"/>'s
    /// attributes and no longer is (unmapped, or replaced by a fixed map). Free its frames
    /// unless <see cref="VmArea.Kind"/> is <see cref="VmAreaKind.Device"/> (not owned) or
    /// <see cref="VmAreaKind.Guard"/> (holds none).</summary>
    void Removed(in VmArea area);

    /// <summary><c>[area.Start, area.End)</c> changed from <paramref name="area"/>'s
    /// protection to <paramref name="newProtection"/> (never reported when equal).</summary>
    void ProtectionChanged(in VmArea area, VmProtection newProtection);
}

/// <summary>A sink that ignores every report, for callers that know nothing is
/// replaced (a hint-only map) or that rebuild page tables another way.</summary>
public struct VmNullSink : IVmRangeSink
{
    /// <inheritdoc/>
    public readonly void Removed(in VmArea area)
    {
    }

    /// <inheritdoc/>
    public readonly void ProtectionChanged(in VmArea area, VmProtection newProtection)
    {
    }
}
