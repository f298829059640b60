namespace Microkernel.Services.KlogFlooding;

internal static partial class KlogFlood
{
    /// <summary>klog-flood-b keeps up to 32 writes in flight (KlogWindow.Post).</summary>
    private const bool Batched = true;
}
