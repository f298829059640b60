using CrashSymbolizer;
using Xunit;

namespace Tools.Tests;

public class NameDemanglerTests
{
    [Theory]
    [InlineData("Kernel_Microkernel_Tests_CrashCases__NullDereference", "Kernel.Microkernel.Tests.CrashCases.NullDereference")]
    [InlineData("S_P_CoreLib_System_String__Concat", "System.String.Concat")]
    [InlineData("Kernel_X__Foo", "Kernel.X.Foo")]
    [InlineData("S_P_CoreLib_System_Collections_Generic_List_1<Int32>__Add", "System.Collections.Generic.List.1<Int32>.Add")]
    public void NativeAot_names_get_a_readable_form(string mangled, string readable) =>
        Assert.Equal(readable, NameDemangler.Readable(mangled));

    [Theory]
    [InlineData("fault_here")]
    [InlineData("_start")]
    [InlineData("__bss_start")]
    [InlineData("_ZN3foo3barEv")]
    [InlineData("x__")]
    public void Other_names_have_none(string name) => Assert.Null(NameDemangler.Readable(name));
}
