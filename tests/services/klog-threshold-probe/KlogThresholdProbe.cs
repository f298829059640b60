using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.KlogThreshold;

/// <summary>Test service: klog's level threshold is a store entry. With channels to
/// both, it waits for klog to publish <c>klog/config/threshold</c>, checks an info
/// record is kept, raises the threshold to warning through the store and waits (up to
/// about 2 s) until klog filters info records, checks a warning is still kept, then
/// lowers it back and sees info kept again; a level that does not exist is refused by the
/// store itself (klog registered the entry with bounds). Exits with the checks passed (6 = all).</summary>
internal static class KlogThresholdProbe
{
    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.TryFindChannel("store"u8, out ChannelGrant storeChannel))
        {
            return -1;
        }

        if (!StartInfo.TryFindChannel("klog"u8, out ChannelGrant klogChannel))
        {
            return -2;
        }

        StoreCalls<KernelWaiter> store = ContractCalls.Store(in storeChannel);
        var klog = new KlogWindow(in klogChannel);
        int passed = 0;

        // klog registers the entry once it is connected to the store.
        if (Eventually(() => store.Get(new StoreNameRequest { Name = "klog/config/threshold"u8 }, out StoreGetReply r) && r.Status == StoreStatus.Ok && r.Value.Unsigned == 1))
        {
            passed++;
        }

        if (klog.Write(KlogLevel.Info, "probe"u8, "kept at info"u8) == KlogStatus.Ok)
        {
            passed++;
        }

        if (Set(store, 2) == StoreStatus.Ok
            && Eventually(() => klog.Write(KlogLevel.Info, "probe"u8, "filtered at warning"u8) == KlogStatus.Filtered))
        {
            passed++;
        }

        if (klog.Write(KlogLevel.Warning, "probe"u8, "a warning is kept"u8) == KlogStatus.Ok)
        {
            passed++;
        }

        if (Set(store, 1) == StoreStatus.Ok
            && Eventually(() => klog.Write(KlogLevel.Info, "probe"u8, "kept again"u8) == KlogStatus.Ok))
        {
            passed++;
        }

        if (Set(store, 9) == StoreStatus.Rejected)
        {
            passed++;
        }

        SystemCall.Log(passed == 6 ? "the threshold follows the store"u8 : "a check failed"u8);
        return passed;
    }

    /// <summary>Sets klog's threshold entry; Unavailable when the store did not answer.</summary>
    private static StoreStatus Set(StoreCalls<KernelWaiter> store, ulong level) =>
        store.Set(new StoreSetRequest { Name = "klog/config/threshold"u8, Value = StoreValues.Unsigned(level) }, out StoreStatusReply reply)
            ? reply.Status : StoreStatus.Unavailable;

    /// <summary>True once <paramref name="condition"/> holds, looking every 20 ms for 2 s.</summary>
    private static bool Eventually(System.Func<bool> condition)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            if (condition())
            {
                return true;
            }

            if (SystemCall.Sleep(20_000_000) == -Errno.ESHUTDOWN)
            {
                return false;
            }
        }
        return false;
    }
}
