using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>Emits userlib's typed stubs: per declared call a public static method with the
/// declaration's signature and documentation that pins its spans, passes their addresses and
/// lengths in the argument registers and traps through the class's <c>Raw</c>.</summary>
internal static class StubEmitter
{
    public static string Emit(SystemCallTable table, INamedTypeSymbol stubs)
    {
        string number = "global::" + table.Namespace + "." + Names.NumberEnum + ".";
        var writer = SourceWriter.Generated("The typed system call stubs");
        writer.Line("using " + table.Namespace + ";"); // the doc comments' crefs name ABI types
        PartialClass.Open(writer, stubs);
        bool first = true;
        foreach (SystemCallDeclaration call in table.Calls)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            foreach (string line in call.Doc.AllLines())
            {
                writer.Line(line);
            }

            string parameters = string.Join(", ", call.Arguments.Select(Parameter));
            writer.Open("public static " + (call.NoReturn ? "void " : "long ") + call.StubName + "(" + parameters + ")");
            EmitBody(writer, call, number + call.MemberName);
            writer.Close();
        }

        PartialClass.Close(writer, stubs);
        return writer.ToString();
    }

    private static string Parameter(SystemCallArgument argument)
    {
        string declaration = argument.Kind == ArgumentKind.OutValue ? "out long " + argument.Name : argument.TypeName + " " + argument.Name;
        return argument.DefaultLiteral == null ? declaration : declaration + " = " + argument.DefaultLiteral;
    }

    private static void EmitBody(SourceWriter writer, SystemCallDeclaration call, string number)
    {
        var registers = new List<string>();
        foreach (SystemCallArgument argument in call.Arguments)
        {
            switch (argument.Kind)
            {
                case ArgumentKind.Scalar:
                    registers.Add("(ulong)" + argument.Name);
                    break;
                case ArgumentKind.OutValue:
                    registers.Add("(ulong)&" + argument.Name + "Value");
                    break;
                default:
                    string address = "(ulong)" + argument.Name + "Pointer";
                    if (argument.Packed)
                    {
                        registers.Add(address + " | ((ulong)" + argument.Name + ".Length << 48)");
                    }
                    else
                    {
                        registers.Add(address);
                        registers.Add("(ulong)" + argument.Name + ".Length");
                    }

                    break;
            }
        }

        while (registers.Count < Names.ArgumentRegisters.Length)
        {
            registers.Add("0");
        }

        string trap = Names.Raw + "((ulong)" + number + ", " + string.Join(", ", registers) + ")";
        SystemCallArgument[] outs = call.Arguments.Where(a => a.Kind == ArgumentKind.OutValue).ToArray();
        foreach (SystemCallArgument output in outs)
        {
            writer.Line("long " + output.Name + "Value = 0;");
        }

        SystemCallArgument[] spans = call.Arguments.Where(a => a.Kind is ArgumentKind.InBuffer or ArgumentKind.OutBuffer).ToArray();
        foreach (SystemCallArgument span in spans)
        {
            writer.Line("fixed (byte* " + span.Name + "Pointer = " + span.Name + ")");
        }

        // A block only where fixed statements need one around several statements.
        bool block = spans.Length > 0 && (call.NoReturn || outs.Length > 0);
        if (block)
        {
            writer.Block();
        }

        if (call.NoReturn)
        {
            writer.Line(trap + ";");
            writer.Line("while (true) { }");
        }
        else if (outs.Length == 0)
        {
            writer.Line((spans.Length == 0 ? string.Empty : "    ") + "return " + trap + ";");
        }
        else
        {
            writer.Line("long result = " + trap + ";");
            foreach (SystemCallArgument output in outs)
            {
                writer.Line(output.Name + " = " + output.Name + "Value;");
            }

            writer.Line("return result;");
        }

        if (block)
        {
            writer.Close();
        }
    }
}
