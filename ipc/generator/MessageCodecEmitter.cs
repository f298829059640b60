using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>
/// Emits Encode/TryDecode for one [IpcMessage] struct. The body is a MessagePack array of the
/// public instance fields in declaration order, the layout MessagePack-CSharp uses for
/// <c>[MessagePackObject]</c> with <c>[Key(0..n)]</c>, so both libraries produce the same bytes.
/// The emitted code only calls MessagePackWriter/Reader and casts: it stays freestanding.
/// </summary>
internal static class MessageCodecEmitter
{
    public static GeneratedSource Emit(INamedTypeSymbol type)
    {
        var diagnostics = new List<Diagnostic>();
        Location location = type.Locations.Length > 0 ? type.Locations[0] : Location.None;
        if (type.ContainingType != null || !IsPartial(type))
        {
            diagnostics.Add(Diagnostic.Create(Diagnostics.NotPartial, location, type.Name));
        }

        List<(IFieldSymbol Field, FieldKind Kind)> fields = new List<(IFieldSymbol, FieldKind)>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsStatic)
            {
                continue;
            }

            if (member is IFieldSymbol field)
            {
                ISymbol owner = field.AssociatedSymbol ?? field;
                if (field.DeclaredAccessibility != Accessibility.Public || field.AssociatedSymbol != null)
                {
                    diagnostics.Add(Diagnostic.Create(Diagnostics.HiddenState, owner.Locations.Length > 0 ? owner.Locations[0] : location, owner.Name, type.Name));
                    continue;
                }

                FieldKind kind = Classify(field);
                if (kind == FieldKind.Unsupported)
                {
                    diagnostics.Add(Diagnostic.Create(Diagnostics.UnsupportedField, field.Locations[0], field.Name, type.Name, field.Type.ToDisplayString()));
                    continue;
                }

                fields.Add((field, kind));
            }
        }

        string hint = HintName(type, "IpcMessage");
        if (diagnostics.Count > 0)
        {
            return new GeneratedSource(hint, string.Empty, diagnostics);
        }

        return new GeneratedSource(hint, Render(type, fields), diagnostics);
    }

    public static string HintName(INamedTypeSymbol type, string suffix)
    {
        return type.ToDisplayString().Replace('<', '_').Replace('>', '_') + "." + suffix + ".g.cs";
    }

    private static bool IsPartial(INamedTypeSymbol type)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration)
            {
                foreach (SyntaxToken modifier in declaration.Modifiers)
                {
                    if (modifier.Text == "partial")
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static FieldKind Classify(IFieldSymbol field)
    {
        ITypeSymbol type = field.Type;
        if (type is INamedTypeSymbol named && named.TypeKind == TypeKind.Enum && named.EnumUnderlyingType != null)
        {
            type = named.EnumUnderlyingType;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                return FieldKind.Boolean;
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_Int32:
            case SpecialType.System_Int64:
                return FieldKind.Signed;
            case SpecialType.System_Byte:
            case SpecialType.System_UInt16:
            case SpecialType.System_UInt32:
            case SpecialType.System_UInt64:
                return FieldKind.Unsigned;
        }

        if (type is INamedTypeSymbol span && span.ToDisplayString() == "System.ReadOnlySpan<byte>")
        {
            return Names.Find(field, Names.Utf8Attribute) != null ? FieldKind.String : FieldKind.Binary;
        }

        return Names.IsMessage(type) ? FieldKind.Message : FieldKind.Unsupported;
    }

    /// <summary>MessagePackReader method that reads exactly the field's (or enum's underlying) integer type.</summary>
    private static string IntegerReader(ITypeSymbol type, out string clrType)
    {
        if (type is INamedTypeSymbol named && named.TypeKind == TypeKind.Enum && named.EnumUnderlyingType != null)
        {
            type = named.EnumUnderlyingType;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_SByte: clrType = "sbyte"; return "TryReadSByte";
            case SpecialType.System_Int16: clrType = "short"; return "TryReadInt16";
            case SpecialType.System_Int32: clrType = "int"; return "TryReadInt32";
            case SpecialType.System_Int64: clrType = "long"; return "TryReadInt64";
            case SpecialType.System_Byte: clrType = "byte"; return "TryReadByte";
            case SpecialType.System_UInt16: clrType = "ushort"; return "TryReadUInt16";
            case SpecialType.System_UInt32: clrType = "uint"; return "TryReadUInt32";
            default: clrType = "ulong"; return "TryReadUInt64";
        }
    }

    private static string Render(INamedTypeSymbol type, List<(IFieldSymbol Field, FieldKind Kind)> fields)
    {
        string name = type.Name;
        var s = new StringBuilder();
        s.AppendLine("// <auto-generated/> by Microkernel.Ipc.Generator from the [IpcMessage] declaration.");
        s.AppendLine("#nullable enable");
        if (!type.ContainingNamespace.IsGlobalNamespace)
        {
            s.Append("namespace ").Append(type.ContainingNamespace.ToDisplayString()).AppendLine(";");
        }

        s.AppendLine();
        s.Append(type.IsReadOnly ? "readonly " : string.Empty).Append(type.IsRefLikeType ? "ref " : string.Empty)
            .Append("partial struct ").AppendLine(name);
        s.AppendLine("{");
        s.AppendLine("    /// <summary>Number of fields on the wire (length of the MessagePack array).</summary>");
        s.Append("    public const int WireFieldCount = ").Append(fields.Count).AppendLine(";");
        s.AppendLine();
        s.AppendLine("    /// <summary>Writes this message as a MessagePack array of its fields; check <c>writer.Overflowed</c> afterwards.</summary>");
        s.AppendLine("    public readonly void Encode(ref " + Names.Ipc + "MessagePackWriter writer)");
        s.AppendLine("    {");
        s.Append("        writer.WriteArrayHeader(").Append(fields.Count).AppendLine(");");
        foreach ((IFieldSymbol field, FieldKind kind) in fields)
        {
            string access = "this." + field.Name;
            switch (kind)
            {
                case FieldKind.Boolean:
                    s.Append("        writer.WriteBoolean(").Append(access).AppendLine(");");
                    break;
                case FieldKind.Signed:
                    s.Append("        writer.WriteInt64((long)").Append(access).AppendLine(");");
                    break;
                case FieldKind.Unsigned:
                    s.Append("        writer.WriteUInt64((ulong)").Append(access).AppendLine(");");
                    break;
                case FieldKind.Binary:
                    s.Append("        writer.WriteBinary(").Append(access).AppendLine(");");
                    break;
                case FieldKind.String:
                    s.Append("        writer.WriteString(").Append(access).AppendLine(");");
                    break;
                case FieldKind.Message:
                    s.Append("        ").Append(access).AppendLine(".Encode(ref writer);");
                    break;
            }
        }

        s.AppendLine("    }");
        s.AppendLine();
        string exact = Names.Ipc + "MessagePackExact.";
        s.AppendLine("    /// <summary>Exactly how many bytes <see cref=\"Encode\"/> writes for this value.</summary>");
        s.AppendLine("    public readonly int EncodedSize()");
        s.AppendLine("    {");
        s.Append("        int size = ").Append(exact).Append("SizeOfArrayHeader(").Append(fields.Count).AppendLine(");");
        foreach ((IFieldSymbol field, FieldKind kind) in fields)
        {
            string access = "this." + field.Name;
            switch (kind)
            {
                case FieldKind.Boolean:
                    s.AppendLine("        size += 1;");
                    break;
                case FieldKind.Signed:
                    s.Append("        size += ").Append(exact).Append("SizeOfInt64((long)").Append(access).AppendLine(");");
                    break;
                case FieldKind.Unsigned:
                    s.Append("        size += ").Append(exact).Append("SizeOfUInt64((ulong)").Append(access).AppendLine(");");
                    break;
                case FieldKind.Binary:
                    s.Append("        size += ").Append(exact).Append("SizeOfBinary(").Append(access).AppendLine(".Length);");
                    break;
                case FieldKind.String:
                    s.Append("        size += ").Append(exact).Append("SizeOfString(").Append(access).AppendLine(".Length);");
                    break;
                case FieldKind.Message:
                    s.Append("        size += ").Append(access).AppendLine(".EncodedSize();");
                    break;
            }
        }

        s.AppendLine("        return size;");
        s.AppendLine("    }");
        s.AppendLine();
        s.AppendLine("    /// <summary>");
        s.AppendLine("    /// Writes the same bytes as <see cref=\"Encode\"/> to <paramref name=\"destination\"/>, unchecked: the");
        s.AppendLine("    /// caller guarantees <see cref=\"EncodedSize\"/> bytes of room, computed from this same value.");
        s.AppendLine("    /// Returns the position after the last byte written.");
        s.AppendLine("    /// </summary>");
        s.AppendLine("    public readonly unsafe byte* EncodeTo(byte* destination)");
        s.AppendLine("    {");
        s.Append("        destination = ").Append(exact).Append("WriteArrayHeader(destination, ").Append(fields.Count).AppendLine(");");
        foreach ((IFieldSymbol field, FieldKind kind) in fields)
        {
            string access = "this." + field.Name;
            switch (kind)
            {
                case FieldKind.Boolean:
                    s.Append("        destination = ").Append(exact).Append("WriteBoolean(destination, ").Append(access).AppendLine(");");
                    break;
                case FieldKind.Signed:
                    s.Append("        destination = ").Append(exact).Append("WriteInt64(destination, (long)").Append(access).AppendLine(");");
                    break;
                case FieldKind.Unsigned:
                    s.Append("        destination = ").Append(exact).Append("WriteUInt64(destination, (ulong)").Append(access).AppendLine(");");
                    break;
                case FieldKind.Binary:
                    s.Append("        destination = ").Append(exact).Append("WriteBinary(destination, ").Append(access).AppendLine(");");
                    break;
                case FieldKind.String:
                    s.Append("        destination = ").Append(exact).Append("WriteString(destination, ").Append(access).AppendLine(");");
                    break;
                case FieldKind.Message:
                    s.Append("        destination = ").Append(access).AppendLine(".EncodeTo(destination);");
                    break;
            }
        }

        s.AppendLine("        return destination;");
        s.AppendLine("    }");
        s.AppendLine();
        s.AppendLine("    /// <summary>");
        s.AppendLine("    /// Reads one message from untrusted bytes. Missing trailing fields keep their defaults and");
        s.AppendLine("    /// extra trailing elements are skipped (so a newer peer can add fields); anything else");
        s.AppendLine("    /// malformed returns false. Span fields point into the reader's buffer.");
        s.AppendLine("    /// </summary>");
        s.Append("    public static bool TryDecode(scoped ref ").Append(Names.Ipc).Append("MessagePackReader reader, out ").Append(name).AppendLine(" value)");
        s.AppendLine("    {");
        s.AppendLine("        value = default;");
        s.AppendLine("        if (!reader.TryReadArrayHeader(out uint count))");
        s.AppendLine("        {");
        s.AppendLine("            return false;");
        s.AppendLine("        }");
        s.AppendLine();
        for (int i = 0; i < fields.Count; i++)
        {
            (IFieldSymbol field, FieldKind kind) = fields[i];
            string target = "value." + field.Name;
            string condition;
            string? assign = null;
            switch (kind)
            {
                case FieldKind.Boolean:
                    condition = "reader.TryReadBoolean(out " + target + ")";
                    break;
                case FieldKind.Signed:
                case FieldKind.Unsigned:
                    string reader = IntegerReader(field.Type, out string clr);
                    if (field.Type.TypeKind == TypeKind.Enum)
                    {
                        condition = "reader." + reader + "(out " + clr + " field" + i + ")";
                        assign = target + " = (" + Names.Global(field.Type) + ")field" + i + ";";
                    }
                    else
                    {
                        condition = "reader." + reader + "(out " + target + ")";
                    }

                    break;
                case FieldKind.Binary:
                    condition = "reader.TryReadBinary(out " + target + ")";
                    break;
                case FieldKind.String:
                    condition = "reader.TryReadString(out " + target + ")";
                    break;
                default:
                    condition = Names.Global(field.Type) + ".TryDecode(ref reader, out " + target + ")";
                    break;
            }

            s.Append("        if (count > ").Append(i).AppendLine(")");
            s.AppendLine("        {");
            s.Append("            if (!").Append(condition).AppendLine(")");
            s.AppendLine("            {");
            s.AppendLine("                return false;");
            s.AppendLine("            }");
            if (assign != null)
            {
                s.AppendLine();
                s.Append("            ").AppendLine(assign);
            }

            s.AppendLine("        }");
            s.AppendLine();
        }

        s.Append("        for (uint extra = ").Append(fields.Count).AppendLine("; extra < count; extra++)");
        s.AppendLine("        {");
        s.AppendLine("            if (!reader.TrySkip())");
        s.AppendLine("            {");
        s.AppendLine("                return false;");
        s.AppendLine("            }");
        s.AppendLine("        }");
        s.AppendLine();
        s.AppendLine("        return true;");
        s.AppendLine("    }");
        s.AppendLine("}");
        return s.ToString();
    }
}
