using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>A declaration's XML doc comment, read from its source text (so it is there whether
/// or not the compilation parses documentation), re-emitted on the generated members and
/// turned into markdown for the reference.</summary>
internal sealed class DocComment
{
    /// <summary>What separates words when a comment is folded onto one line.</summary>
    private static readonly char[] s_whiteSpace = { ' ', '\n', '\r', '\t' };

    private readonly XElement _root;

    private DocComment(XElement root)
    {
        _root = root;
    }

    /// <summary>The doc comment above <paramref name="symbol"/>'s first declaration (empty when none or malformed).</summary>
    public static DocComment Of(ISymbol symbol)
    {
        var text = new StringBuilder();
        foreach (SyntaxReference reference in symbol.DeclaringSyntaxReferences)
        {
            string trivia = reference.GetSyntax().GetLeadingTrivia().ToFullString();
            foreach (string line in trivia.Split('\n'))
            {
                string trimmed = line.Trim();
                if (trimmed.StartsWith("///", StringComparison.Ordinal))
                {
                    text.Append(trimmed.Substring(3).TrimStart(' ')).Append('\n');
                }
            }

            break;
        }

        try
        {
            return new DocComment(XElement.Parse("<doc>" + text + "</doc>", LoadOptions.PreserveWhitespace));
        }
        catch (XmlException)
        {
            return new DocComment(new XElement("doc"));
        }
    }

    /// <summary>The summary and remarks as <c>///</c> lines (for an enum member: no parameters).</summary>
    public IEnumerable<string> SummaryLines() => Lines(e => e.Name.LocalName is "summary" or "remarks");

    /// <summary>Every element as <c>///</c> lines (for a stub with the declaration's parameters).</summary>
    public IEnumerable<string> AllLines() => Lines(_ => true);

    /// <summary>The summary as one markdown paragraph.</summary>
    public string SummaryMarkdown => Markdown(_root.Element("summary"));

    /// <summary>The returns element as markdown ("" when none).</summary>
    public string ReturnsMarkdown => Markdown(_root.Element("returns"));

    /// <summary>A parameter's description as markdown ("" when none).</summary>
    public string ParameterMarkdown(string name) =>
        Markdown(_root.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == name));

    private IEnumerable<string> Lines(Func<XElement, bool> include)
    {
        foreach (XElement element in _root.Elements().Where(include))
        {
            foreach (string line in element.ToString(SaveOptions.DisableFormatting).Split('\n'))
            {
                yield return "/// " + line.Trim();
            }
        }
    }

    private static string Markdown(XElement? element)
    {
        if (element == null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        AppendMarkdown(element, text);
        return string.Join(" ", text.ToString().Split(s_whiteSpace, StringSplitOptions.RemoveEmptyEntries))
            .Replace("` .", "`.").Replace("` ,", "`,").Replace("( `", "(`").Replace("` )", "`)");
    }

    private static void AppendMarkdown(XElement element, StringBuilder text)
    {
        foreach (XNode node in element.Nodes())
        {
            if (node is XText plain)
            {
                text.Append(plain.Value.Replace("|", "\\|"));
            }
            else if (node is XElement child)
            {
                switch (child.Name.LocalName)
                {
                    case "c":
                        text.Append('`').Append(child.Value).Append('`');
                        break;
                    case "see":
                    case "seealso":
                        string cref = (string?)child.Attribute("cref") ?? (string?)child.Attribute("langword") ?? child.Value;
                        text.Append('`').Append(cref.Substring(cref.IndexOf(':') + 1)).Append('`');
                        break;
                    case "paramref":
                    case "typeparamref":
                        text.Append('`').Append((string?)child.Attribute("name")).Append('`');
                        break;
                    default:
                        AppendMarkdown(child, text);
                        break;
                }
            }
        }
    }
}
