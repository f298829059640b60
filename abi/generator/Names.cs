using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>Metadata names the generator looks for, and a helper to find them on symbols.</summary>
internal static class Names
{
    public const string TableAttribute = "Microkernel.Abi.SystemCallTableAttribute";
    public const string CallAttribute = "Microkernel.Abi.SystemCallAttribute";
    public const string DispatcherAttribute = "Microkernel.Abi.SystemCallDispatcherAttribute";
    public const string StubsAttribute = "Microkernel.Abi.SystemCallStubsAttribute";
    public const string PackedLengthAttribute = "Microkernel.Abi.PackedLengthAttribute";
    public const string Errno = "Microkernel.Abi.Errno";
    public const string ProcessRights = "Microkernel.Abi.ProcessRights";

    /// <summary>The enum generated from the table, in the table's namespace.</summary>
    public const string NumberEnum = "SystemCallNumber";

    /// <summary>The dispatcher's rights hook: <c>static bool CallerHas(ProcessRights right)</c>.</summary>
    public const string CallerHas = "CallerHas";

    /// <summary>A result type's failure constructor, <c>static R Fail(long errno)</c>, used by a
    /// dispatch that returns R for -ENOSYS and -EPERM.</summary>
    public const string FailFactory = "Fail";

    /// <summary>The stubs class's trap: <c>Raw(ulong number, ulong a0, ulong a1, ulong a2, ulong a3)</c>.</summary>
    public const string Raw = "Raw";

    /// <summary>The frame fields the dispatch reads: the number, then the argument registers in ABI order.</summary>
    public const string NumberRegister = "Number";
    public static readonly string[] ArgumentRegisters = { "Rdi", "Rsi", "Rdx", "R10" };

    public static AttributeData? Find(ISymbol symbol, string metadataName)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == metadataName)
            {
                return attribute;
            }
        }

        return null;
    }
}
