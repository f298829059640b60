namespace Microkernel.Services.KlogFlooding;

internal static partial class KlogFlood
{
    /// <summary>klog-flood-a writes one record at a time, waiting for each answer.</summary>
    private const bool Batched = false;
}
