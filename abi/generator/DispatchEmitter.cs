using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Microkernel.Abi.Generator;

/// <summary>Emits the kernel's dispatch: the [SystemCallDispatcher] class's unimplemented
/// partial method becomes one switch from the frame's number to each call's handler, with
/// the argument registers cast to the handler's parameter types, the declared right checked
/// first, and -ENOSYS for every number the table does not declare. Inlined into its caller
/// like the hand-written switch it replaces, so a call costs what it did.</summary>
/// <remarks>The partial method returns either long (each handler's result is converted:
/// long as is, void as 0, another type through its conversion to long) or the handlers'
/// one result type R, which then needs a static
/// <c>R Fail(long errno)</c> for -ENOSYS and -EPERM (void handlers return <c>default</c>).
/// Returning R keeps the switch as the compiler sees a hand-written one over the same type,
/// with one conversion to rax after it.</remarks>
internal static class DispatchEmitter
{
    private static readonly SymbolDisplayFormat s_qualified = SymbolDisplayFormat.FullyQualifiedFormat;

    public static GeneratedFile Emit(SystemCallTable table, INamedTypeSymbol dispatcher, Compilation compilation)
    {
        var diagnostics = new List<Diagnostic>();
        Location where = dispatcher.Locations.FirstOrDefault() ?? Location.None;
        if (!PartialClass.CanExtend(dispatcher))
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.NotPartial, where, dispatcher.Name));
            return GeneratedFile.Failed(diagnostics);
        }

        IMethodSymbol? dispatch = FindDispatchMethod(dispatcher);
        if (dispatch == null)
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.NoDispatchMethod, where, dispatcher.Name));
            return GeneratedFile.Failed(diagnostics);
        }

        bool hasCallerHas = dispatcher.GetMembers(Names.CallerHas).OfType<IMethodSymbol>().Any(m => m.IsStatic && m.Parameters.Length == 1);
        ITypeSymbol result = dispatch.ReturnType;
        bool returnsLong = result.SpecialType == SpecialType.System_Int64;
        string? fail = returnsLong ? null : FailFactory(result, dispatcher, compilation);
        if (!returnsLong && fail == null)
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.NoFailFactory, where, dispatcher.Name, result.ToDisplayString()));
            return GeneratedFile.Failed(diagnostics);
        }

        string Failure(string errno) => returnsLong ? "-global::" + Names.Errno + "." + errno : fail + "(global::" + Names.Errno + "." + errno + ")";
        string abi = "global::" + table.Namespace + ".";
        string frame = dispatch.Parameters[0].Name;
        var cases = new List<string[]>();
        foreach (SystemCallDeclaration call in table.Calls)
        {
            IMethodSymbol? handler = FindHandler(call, dispatcher, compilation);
            if (handler == null)
            {
                diagnostics.Add(Diagnostic.Create(Diagnostics.HandlerNotFound, call.Location, call.Handler, call.AbiName));
                continue;
            }

            string? invocation = returnsLong ? Invocation(call, handler, frame, compilation) : TypedInvocation(call, handler, frame, result);
            if (invocation == null)
            {
                diagnostics.Add(Diagnostic.Create(Diagnostics.HandlerSignature, call.Location, call.Handler, call.AbiName, call.RegisterCount));
                continue;
            }

            var body = new List<string>();
            if (call.RightsValue != 0)
            {
                if (!hasCallerHas)
                {
                    diagnostics.Add(Diagnostic.Create(Diagnostics.NoCallerHas, call.Location, call.AbiName, dispatcher.Name));
                    continue;
                }

                string rights = string.Join(" | ", call.Rights.Select(r => r.StartsWith("0x", System.StringComparison.Ordinal) ? "(global::" + Names.ProcessRights + ")" + r : "global::" + Names.ProcessRights + "." + r));
                body.Add("if (!" + Names.CallerHas + "(" + rights + ")) return " + Failure("EPERM") + ";");
            }

            body.AddRange(invocation.Split('\n'));
            cases.Add(new[] { "case " + abi + Names.NumberEnum + "." + call.MemberName + ":" }.Concat(body).ToArray());
        }

        if (diagnostics.Count > 0)
        {
            return GeneratedFile.Failed(diagnostics);
        }

        var writer = SourceWriter.Generated("The system call dispatch");
        PartialClass.Open(writer, dispatcher);
        if (Names.Find(dispatch, "System.Runtime.CompilerServices.MethodImplAttribute") == null)
        {
            writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        }

        writer.Open(Accessibility(dispatch) + " static partial " + result.ToDisplayString(s_qualified) + " " + dispatch.Name + "(" + dispatch.Parameters[0].Type.ToDisplayString(s_qualified) + " " + frame + ")");
        writer.Open("switch ((" + abi + Names.NumberEnum + ")" + frame + "->" + Names.NumberRegister + ")");
        foreach (string[] lines in cases)
        {
            writer.Line(lines[0]);
            writer.Block();
            for (int i = 1; i < lines.Length; i++)
            {
                writer.Line(lines[i]);
            }

            writer.Close();
        }

        writer.Line("default:");
        writer.Line("    return " + Failure("ENOSYS") + ";");
        writer.Close();
        writer.Close();
        PartialClass.Close(writer, dispatcher);
        return new GeneratedFile(dispatcher.Name + ".Dispatch.g.cs", writer.ToString(), diagnostics);
    }

    /// <summary>The one static partial method without a body, taking a pointer to a frame with the ABI's registers and returning a value.</summary>
    private static IMethodSymbol? FindDispatchMethod(INamedTypeSymbol dispatcher)
    {
        IMethodSymbol[] candidates = dispatcher.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.IsPartialDefinition && m.PartialImplementationPart == null && m.IsStatic).ToArray();
        if (candidates.Length != 1)
        {
            return null;
        }

        IMethodSymbol method = candidates[0];
        if (method.ReturnsVoid || method.Parameters.Length != 1
            || method.Parameters[0].Type is not IPointerTypeSymbol { PointedAtType: INamedTypeSymbol frame })
        {
            return null;
        }

        var fields = new HashSet<string>(frame.GetMembers().OfType<IFieldSymbol>().Select(f => f.Name));
        return fields.Contains(Names.NumberRegister) && Names.ArgumentRegisters.All(fields.Contains) ? method : null;
    }

    /// <summary>"Namespace.Type.Method" as a static method of that type, accessible from the dispatcher, with one parameter per register.</summary>
    private static IMethodSymbol? FindHandler(SystemCallDeclaration call, INamedTypeSymbol dispatcher, Compilation compilation)
    {
        string? handler = call.Handler;
        int dot = handler?.LastIndexOf('.') ?? -1;
        if (handler == null || dot <= 0)
        {
            return null;
        }

        INamedTypeSymbol? type = compilation.GetTypeByMetadataName(handler.Substring(0, dot));
        IMethodSymbol[] methods = type?.GetMembers(handler.Substring(dot + 1)).OfType<IMethodSymbol>()
            .Where(m => m.IsStatic && compilation.IsSymbolAccessibleWithin(m, dispatcher)).ToArray() ?? Array.Empty<IMethodSymbol>();
        return methods.FirstOrDefault(m => m.Parameters.Length == call.RegisterCount) ?? methods.FirstOrDefault();
    }

    /// <summary>The handler called with the argument registers cast to its parameter types; null when they do not fit.</summary>
    private static string? Call(SystemCallDeclaration call, IMethodSymbol handler, string frame)
    {
        if (handler.Parameters.Length != call.RegisterCount)
        {
            return null;
        }

        var arguments = new List<string>();
        for (int i = 0; i < handler.Parameters.Length; i++)
        {
            ITypeSymbol type = handler.Parameters[i].Type;
            if (handler.Parameters[i].RefKind != RefKind.None || !TableReader.IsIntegerOrEnum(type))
            {
                return null;
            }

            string register = frame + "->" + Names.ArgumentRegisters[i];
            arguments.Add(type.SpecialType == SpecialType.System_UInt64 ? register : "(" + type.ToDisplayString(s_qualified) + ")" + register);
        }

        return handler.ContainingType.ToDisplayString(s_qualified) + "." + handler.Name + "(" + string.Join(", ", arguments) + ")";
    }

    /// <summary>For a dispatch returning the result type: the handler's result as is (void: default); null when the handler returns another type.</summary>
    private static string? TypedInvocation(SystemCallDeclaration call, IMethodSymbol handler, string frame, ITypeSymbol result)
    {
        string? target = Call(call, handler, frame);
        if (target == null)
        {
            return null;
        }

        if (handler.ReturnsVoid)
        {
            return target + ";\nreturn default;";
        }

        return SymbolEqualityComparer.Default.Equals(handler.ReturnType, result) ? "return " + target + ";" : null;
    }

    /// <summary>The result type's <c>static R Fail(long errno)</c>, as the qualified name to call; null when it has none the dispatcher can reach.</summary>
    private static string? FailFactory(ITypeSymbol result, INamedTypeSymbol dispatcher, Compilation compilation)
    {
        bool found = result.GetMembers(Names.FailFactory).OfType<IMethodSymbol>().Any(m =>
            m.IsStatic && m.Parameters.Length == 1 && m.Parameters[0].Type.SpecialType == SpecialType.System_Int64
            && SymbolEqualityComparer.Default.Equals(m.ReturnType, result) && compilation.IsSymbolAccessibleWithin(m, dispatcher));
        return found ? result.ToDisplayString(s_qualified) + "." + Names.FailFactory : null;
    }

    /// <summary>For a dispatch returning long: the case's statements, the handler's result converted to long; null when the handler's shape does not fit.</summary>
    private static string? Invocation(SystemCallDeclaration call, IMethodSymbol handler, string frame, Compilation compilation)
    {
        string? target = Call(call, handler, frame);
        if (target == null)
        {
            return null;
        }

        if (handler.ReturnsVoid)
        {
            return target + ";\nreturn 0;";
        }

        if (handler.ReturnType.SpecialType == SpecialType.System_Int64)
        {
            return "return " + target + ";";
        }

        Microsoft.CodeAnalysis.CSharp.Conversion conversion = ((CSharpCompilation)compilation).ClassifyConversion(handler.ReturnType, compilation.GetSpecialType(SpecialType.System_Int64));
        return conversion.Exists ? "return (long)" + target + ";" : null;
    }

    private static string Accessibility(IMethodSymbol method) => method.DeclaredAccessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
