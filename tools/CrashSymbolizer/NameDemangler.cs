using System;
using System.Text;

namespace CrashSymbolizer;

/// <summary>
/// Best-effort readable form of NativeAOT (ILCompiler) symbol names. ILCompiler joins
/// the assembly/namespace/type path with '_' and separates the method with "__", e.g.
/// <c>Kernel_Microkernel_Tests_CrashCases__NullDereference</c>. The readable form is
/// <c>Kernel.Microkernel.Tests.CrashCases.NullDereference</c>. Underscores that were part
/// of the original identifiers cannot be told apart, hence "demangled-ish"; the raw name
/// is always printed too. <c>S_P_CoreLib_</c> (System.Private.CoreLib) is dropped.
/// </summary>
public static class NameDemangler
{
    /// <summary>
    /// The readable form of <paramref name="name"/>, or null when the name does not look
    /// like a NativeAOT method name (no "__" separator, C/C++ or assembly symbols).
    /// </summary>
    public static string? Readable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith("_Z", StringComparison.Ordinal))
        {
            return null; // C++ (Itanium) mangling
        }

        int split = LastSeparatorOutsideGenerics(name);
        if (split <= 0 || split + 2 >= name.Length)
        {
            return null;
        }

        string type = name[..split];
        string method = name[(split + 2)..];
        if (type.StartsWith("S_P_CoreLib_", StringComparison.Ordinal))
        {
            type = type["S_P_CoreLib_".Length..];
        }

        var sb = new StringBuilder(name.Length);
        int depth = 0;
        foreach (char c in type)
        {
            if (c == '<')
            {
                depth++;
            }
            else if (c == '>')
            {
                depth--;
            }

            sb.Append(c == '_' && depth == 0 ? '.' : c);
        }
        // Collapse doubled dots from leading/trailing underscores in identifiers.
        string readableType = sb.ToString().Replace("..", ".", StringComparison.Ordinal).Trim('.');
        if (readableType.Length == 0)
        {
            return null;
        }

        string result = readableType + "." + method;
        return result == name ? null : result;
    }

    private static int LastSeparatorOutsideGenerics(string name)
    {
        int depth = 0, last = -1;
        for (int i = 0; i + 1 < name.Length; i++)
        {
            char c = name[i];
            if (c == '<')
            {
                depth++;
            }
            else if (c == '>')
            {
                depth--;
            }
            else if (depth == 0 && c == '_' && name[i + 1] == '_' && i > 0)
            {
                last = i;
                i++;
            }
        }
        return last;
    }
}
