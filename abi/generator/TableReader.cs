using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>Reads the [SystemCallTable] interface into a <see cref="SystemCallTable"/>, reporting
/// every declaration that would break the ABI (duplicate numbers or names, no handler, more
/// than four argument registers, argument types with no register encoding).</summary>
internal static class TableReader
{
    private static readonly SymbolDisplayFormat s_qualified = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>Reads <paramref name="table"/>; Errno and ProcessRights names are looked up in <paramref name="compilation"/>.</summary>
    public static SystemCallTable Read(INamedTypeSymbol table, Compilation compilation)
    {
        var diagnostics = new List<Diagnostic>();
        var calls = new List<SystemCallDeclaration>();
        foreach (ISymbol member in table.GetMembers())
        {
            if (member is not IMethodSymbol method || method.MethodKind != MethodKind.Ordinary)
            {
                continue;
            }

            AttributeData? attribute = Names.Find(method, Names.CallAttribute);
            if (attribute == null || attribute.ConstructorArguments.Length != 2)
            {
                diagnostics.Add(Diagnostic.Create(Diagnostics.UndeclaredMember, LocationOf(method), method.Name));
                continue;
            }

            SystemCallDeclaration? call = ReadCall(method, attribute, compilation, diagnostics);
            if (call != null)
            {
                calls.Add(call);
            }
        }

        calls.Sort((a, b) => a.Number.CompareTo(b.Number));
        for (int i = 1; i < calls.Count; i++)
        {
            if (calls[i].Number == calls[i - 1].Number)
            {
                diagnostics.Add(Diagnostic.Create(Diagnostics.DuplicateNumber, calls[i].Location, calls[i].Number, calls[i - 1].MemberName, calls[i].MemberName));
            }
        }

        foreach (IGrouping<string, SystemCallDeclaration> group in calls.SelectMany(c => new[] { (Key: c.AbiName, Call: c), (Key: "member " + c.MemberName, Call: c), (Key: "stub " + c.StubName, Call: c) })
            .GroupBy(p => p.Key, p => p.Call).Where(g => g.Count() > 1))
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.DuplicateName, group.Last().Location, group.Key));
        }

        return new SystemCallTable(table.ContainingNamespace.ToDisplayString(), table.Name, calls, diagnostics);
    }

    private static SystemCallDeclaration? ReadCall(IMethodSymbol method, AttributeData attribute, Compilation compilation, List<Diagnostic> diagnostics)
    {
        Location location = LocationOf(method);
        if (attribute.ConstructorArguments[0].Value is not ulong number || attribute.ConstructorArguments[1].Value is not string abiName)
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.UndeclaredMember, location, method.Name));
            return null;
        }

        string? handler = null, stub = null;
        bool supervisorOnly = false, noReturn = false;
        ulong rightsValue = 0;
        var errors = new List<string>();
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Handler": handler = named.Value.Value as string; break;
                case "Stub": stub = named.Value.Value as string; break;
                case "SupervisorOnly": supervisorOnly = named.Value.Value is true; break;
                case "NoReturn": noReturn = named.Value.Value is true; break;
                case "Rights": rightsValue = System.Convert.ToUInt64(named.Value.Value, CultureInfo.InvariantCulture); break;
                case "Errors":
                    if (!named.Value.IsNull)
                    {
                        foreach (TypedConstant error in named.Value.Values)
                        {
                            errors.Add(ErrnoName(compilation, System.Convert.ToInt64(error.Value, CultureInfo.InvariantCulture)));
                        }
                    }

                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(handler))
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.MissingHandler, location, abiName));
        }

        bool returnsLong = method.ReturnType.SpecialType == SpecialType.System_Int64;
        bool returnsVoid = method.ReturnsVoid;
        if (!(returnsLong || (returnsVoid && noReturn)))
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.BadReturn, location, abiName));
        }

        var arguments = new List<SystemCallArgument>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            SystemCallArgument? argument = ReadArgument(parameter);
            if (argument == null)
            {
                diagnostics.Add(Diagnostic.Create(Diagnostics.UnsupportedArgument, LocationOf(parameter), parameter.Name, abiName, parameter.Type.ToDisplayString()));
                continue;
            }

            arguments.Add(argument);
        }

        var call = new SystemCallDeclaration(number, abiName, method.Name, stub ?? method.Name, handler, RightNames(compilation, rightsValue), rightsValue,
            supervisorOnly, errors, noReturn, arguments, DocComment.Of(method), location);
        if (call.RegisterCount > Names.ArgumentRegisters.Length)
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.TooManyArguments, location, abiName, call.RegisterCount));
        }

        return call;
    }

    private static SystemCallArgument? ReadArgument(IParameterSymbol parameter)
    {
        ITypeSymbol type = parameter.Type;
        string? defaultLiteral = parameter.HasExplicitDefaultValue ? Literal(parameter.ExplicitDefaultValue, type) : null;
        bool packed = Names.Find(parameter, Names.PackedLengthAttribute) != null;
        if (parameter.RefKind == RefKind.Out)
        {
            return type.SpecialType == SpecialType.System_Int64 && !packed
                ? new SystemCallArgument(parameter.Name, "long", "out long", ArgumentKind.OutValue, false, null)
                : null;
        }

        if (parameter.RefKind != RefKind.None)
        {
            return null;
        }

        if (type is INamedTypeSymbol { IsGenericType: true } generic && generic.TypeArguments.Length == 1
            && generic.TypeArguments[0].SpecialType == SpecialType.System_Byte && generic.ContainingNamespace.ToDisplayString() == "System")
        {
            if (generic.Name == "ReadOnlySpan")
            {
                return new SystemCallArgument(parameter.Name, type.ToDisplayString(s_qualified), "ReadOnlySpan<byte>", ArgumentKind.InBuffer, packed, null);
            }

            if (generic.Name == "Span")
            {
                return new SystemCallArgument(parameter.Name, type.ToDisplayString(s_qualified), "Span<byte>", ArgumentKind.OutBuffer, packed, null);
            }

            return null;
        }

        if (!packed && IsIntegerOrEnum(type))
        {
            return new SystemCallArgument(parameter.Name, type.ToDisplayString(s_qualified), type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), ArgumentKind.Scalar, false, defaultLiteral);
        }

        return null;
    }

    /// <summary>True for the types one register carries by value: integers and enums.</summary>
    public static bool IsIntegerOrEnum(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Enum || type.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16
            or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64;

    private static string Literal(object? value, ITypeSymbol type)
    {
        string digits = System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "0";
        return type.TypeKind == TypeKind.Enum ? "(" + type.ToDisplayString(s_qualified) + ")" + digits : digits;
    }

    private static string ErrnoName(Compilation compilation, long value)
    {
        INamedTypeSymbol? errno = compilation.GetTypeByMetadataName(Names.Errno);
        IFieldSymbol? field = errno?.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && System.Convert.ToInt64(f.ConstantValue, CultureInfo.InvariantCulture) == value);
        return field?.Name ?? value.ToString(CultureInfo.InvariantCulture);
    }

    private static List<string> RightNames(Compilation compilation, ulong value)
    {
        var names = new List<string>();
        if (value == 0)
        {
            return names;
        }

        INamedTypeSymbol? rights = compilation.GetTypeByMetadataName(Names.ProcessRights);
        ulong left = value;
        foreach (IFieldSymbol field in rights?.GetMembers().OfType<IFieldSymbol>() ?? Enumerable.Empty<IFieldSymbol>())
        {
            ulong bit = field.HasConstantValue ? System.Convert.ToUInt64(field.ConstantValue, CultureInfo.InvariantCulture) : 0;
            if (bit != 0 && (bit & (bit - 1)) == 0 && (left & bit) != 0)
            {
                names.Add(field.Name);
                left &= ~bit;
            }
        }

        if (left != 0)
        {
            names.Add("0x" + left.ToString("X", CultureInfo.InvariantCulture));
        }

        return names;
    }

    private static Location LocationOf(ISymbol symbol) => symbol.Locations.FirstOrDefault() ?? Location.None;
}
