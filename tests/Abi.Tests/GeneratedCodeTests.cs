using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace Microkernel.Abi.Tests;

/// <summary>The generated dispatch and stubs, compiled from the probe declaration and run:
/// registers reach the right handler with the right types, rights are checked, unknown numbers
/// get -ENOSYS, and the stubs put spans, packed spans and out values in the right registers.</summary>
public sealed class GeneratedCodeTests
{
    private static readonly Lazy<Assembly> s_probe = new Lazy<Assembly>(() =>
        GeneratorRun.Of(GeneratorRun.AbiSupport().Append(ProbeSources.With())).Load());

    private static Type Type(string name) => s_probe.Value.GetType("Probe." + name, throwOnError: true)!;

    private static long Enter(ulong number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0) =>
        (long)Type("Kernel").GetMethod("Enter")!.Invoke(null, new object[] { number, a0, a1, a2, a3 })!;

    private static T Use<T>(string method) => (T)Type("UseStubs").GetMethod(method)!.Invoke(null, null)!;

    [Fact]
    public void DispatchPassesRegistersToTheHandlerWithItsTypes()
    {
        Assert.Equal(100, Enter(0, 11, 2));
        Assert.Equal(11UL, ((ulong[])Type("Handlers").GetField("Seen")!.GetValue(null)!)[0]);
        Assert.Equal("Warning", (string)Type("Handlers").GetField("Level")!.GetValue(null)!);
        Assert.Equal(16, Enter(2, 1, 0x1234 | (4UL << 48), 0x5000, 16));
        Assert.Equal(8, Enter(3, 1, 0x5000, 8));
    }

    [Fact]
    public void DispatchAnswersVoidHandlersWithZeroAndConvertsResultTypes()
    {
        Assert.Equal(0, Enter(4, 77));
        Assert.Equal(77UL, ((ulong[])Type("Handlers").GetField("Seen")!.GetValue(null)!)[4]);
        Assert.Equal(5, Enter(6));
    }

    [Fact]
    public void DispatchChecksTheDeclaredRightFirst()
    {
        FieldInfo allowed = Type("Kernel").GetField("Allowed")!;
        Assert.Equal(3, Enter(1, 0x1000, 3));
        allowed.SetValue(null, false);
        try
        {
            Assert.Equal(-Errno.EPERM, Enter(1, 0x1000, 3));
            Assert.Equal(100, Enter(0, 1, 0)); // a call without a right is not checked
        }
        finally
        {
            allowed.SetValue(null, true);
        }
    }

    [Theory]
    [InlineData(5UL)]
    [InlineData(7UL)]
    [InlineData(8UL)]
    [InlineData(999UL)]
    [InlineData(ulong.MaxValue)]
    public void UnknownNumbersGetEnosys(ulong number) => Assert.Equal(-Errno.ENOSYS, Enter(number));

    [Fact]
    public void DispatchReturningTheResultTypeFailsThroughIt()
    {
        Assembly typed = GeneratorRun.Of(GeneratorRun.AbiSupport().Append(ProbeSources.TypedResult)).Load();
        MethodInfo enter = typed.GetType("Probe.Kernel", throwOnError: true)!.GetMethod("Enter")!;
        long Call(ulong number, ulong a0 = 0) => (long)enter.Invoke(null, new object[] { number, a0, 0UL, 0UL, 0UL })!;
        Assert.Equal(42, Call(0, 41));
        Assert.Equal(-Errno.EPERM, Call(1));
        Assert.Equal(0, Call(2));
        Assert.Equal(-Errno.ENOSYS, Call(3));
    }

    [Fact]
    public void StubsPassScalarsAndSpans()
    {
        Assert.Equal(new ulong[] { 0, 11, 3 }, Use<ulong[]>("First").Take(3));
        ulong[] write = Use<ulong[]>("Write");
        Assert.Equal(1UL, write[0]);
        Assert.NotEqual(0UL, write[1]);
        Assert.Equal(new ulong[] { 3, 0, 0 }, write.Skip(2));
        Assert.Equal(new ulong[] { 6, 0, 0, 0, 0 }, Use<ulong[]>("Tick"));
    }

    [Fact]
    public void StubsPackAndSplitSpansAsDeclared()
    {
        ulong[] grant = Use<ulong[]>("Grant");
        Assert.Equal(2UL, grant[0]);
        Assert.Equal(1UL, grant[1]);
        Assert.Equal(4UL, grant[2] >> 48);
        Assert.NotEqual(0UL, grant[2] & 0xFFFF_FFFF_FFFF);
        Assert.NotEqual(0UL, grant[3]);
        Assert.Equal(16UL, grant[4]);
    }

    [Fact]
    public void StubsReturnOutValuesAndKeepDefaults()
    {
        Assert.Equal(42, Use<long>("Wait"));
        Assert.Equal(7UL, Use<ulong[]>("WaitDefault")[3]);
    }

    [Fact]
    public void NoReturnStubTrapsAndNeverFallsThrough()
    {
        TargetInvocationException thrown = Assert.Throws<TargetInvocationException>(() => Type("UseStubs").GetMethod("Stop")!.Invoke(null, null));
        Assert.Equal("stop returned", thrown.InnerException!.Message);
    }
}
