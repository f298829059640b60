using System.Globalization;

namespace Microkernel.Abi.Generator;

/// <summary>Emits the <c>SystemCallNumber</c> enum: one member per declared call, named after
/// its declaration method, with its number and documentation, plus <c>Count</c>.</summary>
internal static class NumberEnumEmitter
{
    public static string Emit(SystemCallTable table)
    {
        var writer = SourceWriter.Generated("The system call numbers");
        writer.Open("namespace " + table.Namespace);
        writer.Line("/// <summary>The system call numbers (rax), one definition for both sides: the kernel's");
        writer.Line("/// dispatch and the services' stubs are generated from the same declaration,");
        writer.Line("/// <see cref=\"" + table.InterfaceName + "\"/> (abi/SystemCallTable.cs).</summary>");
        writer.Line("/// <remarks>Calling convention: rax selects, arguments in rdi, rsi, rdx, r10; the");
        writer.Line("/// result comes back in rax, non-negative on success, a negated Linux errno on error");
        writer.Line("/// (see <see cref=\"Errno\"/>).</remarks>");
        writer.Open("public enum " + Names.NumberEnum + " : ulong");
        ulong count = 0;
        foreach (SystemCallDeclaration call in table.Calls)
        {
            foreach (string line in call.Doc.SummaryLines())
            {
                writer.Line(line);
            }

            writer.Line(call.MemberName + " = " + call.Number.ToString(CultureInfo.InvariantCulture) + ",");
            count = call.Number + 1 > count ? call.Number + 1 : count;
        }

        writer.Line("/// <summary>Number of calls (one past the highest number).</summary>");
        writer.Line("Count = " + count.ToString(CultureInfo.InvariantCulture) + ",");
        writer.Close();
        writer.Close();
        return writer.ToString();
    }
}
