using System.Globalization;
using System.Linq;
using System.Text;

namespace Microkernel.Abi.Generator;

/// <summary>Writes the markdown reference of the table (abi/SYSCALLS.md): an overview with
/// every number, then one section per call with its arguments, registers, result, right,
/// errors and kernel handler.</summary>
internal static class ReferenceEmitter
{
    public static string Emit(SystemCallTable table)
    {
        var md = new StringBuilder();
        md.Append("# System calls\n\n");
        md.Append("<!-- Generated from abi/SystemCallTable.cs by abi/generator; do not edit. tests/Abi.Tests fails when this\n");
        md.Append("     file differs from the declaration; UPDATE_SYSCALL_REFERENCE=1 dotnet test tests/Abi.Tests rewrites it. -->\n\n");
        md.Append("Calling convention: `syscall` with the number in rax and the arguments in rdi, rsi, rdx, r10;\n");
        md.Append("the result comes back in rax, non-negative on success, a negated Linux errno on error. Any\n");
        md.Append("number not listed here returns -ENOSYS. A span argument takes two registers (address,\n");
        md.Append("length) unless it is packed (address | length << 48 in one). Services call these through\n");
        md.Append("`SystemCall` in sdk/userlib (the stub column).\n\n");
        md.Append("| # | name | stub | needs | errors |\n");
        md.Append("|---:|---|---|---|---|\n");
        foreach (SystemCallDeclaration call in table.Calls)
        {
            md.Append("| ").Append(call.Number.ToString(CultureInfo.InvariantCulture))
                .Append(" | [`").Append(call.AbiName).Append("`](#").Append(call.AbiName).Append(')')
                .Append(" | `").Append(call.StubName).Append("` | ").Append(Needs(call))
                .Append(" | ").Append(call.Errors.Count == 0 ? "—" : string.Join(", ", call.Errors)).Append(" |\n");
        }

        foreach (SystemCallDeclaration call in table.Calls)
        {
            md.Append("\n## ").Append(call.AbiName).Append('\n').Append('\n');
            md.Append("Number ").Append(call.Number.ToString(CultureInfo.InvariantCulture)).Append(", `SystemCallNumber.").Append(call.MemberName)
                .Append("`; stub `SystemCall.").Append(call.StubName).Append('(')
                .Append(string.Join(", ", call.Arguments.Select(a => a.DisplayType + " " + a.Name))).Append(")`")
                .Append(call.NoReturn ? " (does not return)" : string.Empty).Append(".\n\n");
            md.Append(call.Doc.SummaryMarkdown).Append("\n\n");
            if (call.Arguments.Count > 0)
            {
                md.Append("| argument | type | register | meaning |\n|---|---|---|---|\n");
                int register = 0;
                foreach (SystemCallArgument argument in call.Arguments)
                {
                    string registers = string.Join(", ", Names.ArgumentRegisters.Skip(register).Take(argument.Registers).Select(r => r.ToLowerInvariant()));
                    register += argument.Registers;
                    md.Append("| `").Append(argument.Name).Append("` | `").Append(argument.DisplayType).Append("` | ").Append(registers)
                        .Append(Encoding(argument)).Append(" | ").Append(call.Doc.ParameterMarkdown(argument.Name)).Append(" |\n");
                }

                md.Append('\n');
            }

            string returns = call.Doc.ReturnsMarkdown;
            if (returns.Length > 0)
            {
                md.Append("Returns: ").Append(returns).Append('\n').Append('\n');
            }

            md.Append("Needs: ").Append(Needs(call)).Append(". Errors: ")
                .Append(call.Errors.Count == 0 ? "none besides -ENOSYS" : string.Join(", ", call.Errors.Select(e => "-" + e))).Append(". ");
            md.Append("Kernel handler: `").Append(call.Handler).Append("`.\n");
        }

        return md.ToString();
    }

    private static string Needs(SystemCallDeclaration call)
    {
        if (call.Rights.Count > 0)
        {
            return string.Join(" + ", call.Rights.Select(r => "right " + r));
        }

        return call.SupervisorOnly ? "supervisor" : "—";
    }

    private static string Encoding(SystemCallArgument argument) => argument.Kind switch
    {
        ArgumentKind.InBuffer or ArgumentKind.OutBuffer when argument.Packed => " (address \\| length << 48)",
        ArgumentKind.InBuffer or ArgumentKind.OutBuffer => " (address, length)",
        ArgumentKind.OutValue => " (address of a long)",
        _ => string.Empty,
    };
}
