namespace Microkernel.Tests;

/// <summary>One registered case: "component/case" and its body.</summary>
internal unsafe struct TestCase
{
    internal string Name;
    internal delegate*<ref TestResult, void> Body;
}

/// <summary>The in-image test cases, in registration order.</summary>
/// <remarks>Each test file has a <c>Register</c> method that adds its cases; the suite
/// list (<see cref="TestSuites"/>) calls them all. Names follow "room/case" where the
/// room is the kernel folder under test (mm, arch, boot, runtime, ipc, ...).</remarks>
internal static unsafe class TestRegistry
{
    private const int Capacity = 256;
    private static TestCase[] s_cases = new TestCase[Capacity];
    private static int s_count;

    internal static int Count => s_count;

    internal static ref TestCase Get(int index) => ref s_cases[index];

    internal static void Add(string name, delegate*<ref TestResult, void> body)
    {
        if (s_count == Capacity)
        {
            Diagnostics.Panic.Fail("more than 256 in-image test cases: raise TestRegistry.Capacity"u8);
        }

        s_cases[s_count].Name = name;
        s_cases[s_count].Body = body;
        s_count++;
    }
}
