namespace Microkernel.Tests;

/// <summary>Every test file's Register method, in the order the report lists them.</summary>
internal static class TestSuites
{
    internal static void RegisterAll()
    {
        RuntimeTests.Register();
        DispatchTests.Register();
        MemoryTests.Register();
        PagingTests.Register();
        AddressSpaceTests.Register();
        BootTests.Register();
        ArchTests.Register();
        DiagnosticsTests.Register();
        IpcTests.Register();
        UserModeTests.Register();
        ProcessTests.Register();
        ThreadTests.Register();
        WaitTests.Register();
        ChannelTests.Register();
        SupervisorTests.Register();
        StoreTests.Register();
        KlogTests.Register();
    }
}
