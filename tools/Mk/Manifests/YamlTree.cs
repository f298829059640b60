using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Mk.Manifests;

/// <summary>A YAML node with the position the parser gave its start.</summary>
internal abstract class YamlNode
{
    protected YamlNode(SourcePosition start) => Start = start;

    /// <summary>Where the node starts in the file.</summary>
    public SourcePosition Start { get; }

    /// <summary>A short name of the node's kind for error messages ("a list", "a mapping", ...).</summary>
    public abstract string KindName { get; }
}

/// <summary>A scalar; <see cref="IsPlain"/> is false when it was quoted or a block scalar,
/// which makes it a string whatever it looks like.</summary>
internal sealed class YamlScalarNode : YamlNode
{
    public YamlScalarNode(SourcePosition start, string value, bool isPlain) : base(start)
    {
        Value = value;
        IsPlain = isPlain;
    }

    public string Value { get; }
    public bool IsPlain { get; }

    /// <summary>YAML's core-schema null: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsNull ? "null" : "a scalar";
}

/// <summary>A mapping, entries in file order. Keys are scalars; duplicates were refused
/// while building.</summary>
internal sealed class YamlMappingNode : YamlNode
{
    public YamlMappingNode(SourcePosition start) : base(start) { }

    public List<KeyValuePair<YamlScalarNode, YamlNode>> Entries { get; } = new();
    public override string KindName => "a mapping";
}

/// <summary>A sequence, items in file order.</summary>
internal sealed class YamlSequenceNode : YamlNode
{
    public YamlSequenceNode(SourcePosition start) : base(start) { }

    public List<YamlNode> Items { get; } = new();
    public override string KindName => "a list";
}

/// <summary>Builds a <see cref="YamlNode"/> tree from YamlDotNet's event parser, keeping
/// each node's start mark (the representation model of YamlDotNet does not report duplicate
/// keys with their place, so the tree is built here). Syntax errors, duplicate keys,
/// non-scalar keys and extra documents become diagnostics.</summary>
internal static class YamlTreeBuilder
{
    /// <summary>Parses <paramref name="text"/>; returns the root node of the first document
    /// (null for an empty file) and adds problems to <paramref name="errors"/>. A syntax error
    /// stops the parse and returns null.</summary>
    public static YamlNode? Build(string text, string file, List<ManifestDiagnostic> errors)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YamlNode>();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            YamlNode root = ReadNode(parser, file, anchors, errors);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out DocumentStart? second))
            {
                errors.Add(new ManifestDiagnostic(file, ToPosition(second.Start),
                    "a manifest holds one YAML document, this is a second one",
                    "remove the `---` and what follows it, or move it to its own file"));
            }
            return root;
        }
        catch (YamlException e)
        {
            errors.Add(new ManifestDiagnostic(file, ToPosition(e.Start), "YAML syntax: " + SyntaxMessage(e),
                "check the indentation (spaces, not tabs) and quoting on this line and the one before"));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, not a YamlException, when input ends inside
            // a flow collection ("{" or "[" never closed).
            errors.Add(new ManifestDiagnostic(file, EndOf(text), "YAML syntax: the file ends inside a `{...}` or `[...]`",
                "close every `{` with `}` and every `[` with `]`"));
            return null;
        }
    }

    private static SourcePosition EndOf(string text)
    {
        string[] lines = text.Split('\n');
        int last = lines.Length;
        if (last > 1 && lines[^1].Length == 0)
        {
            last--;
        }

        return new SourcePosition(last, lines[last - 1].Length + 1);
    }

    private static YamlNode ReadNode(IParser parser, string file, Dictionary<string, YamlNode> anchors, List<ManifestDiagnostic> errors)
    {
        if (parser.TryConsume<AnchorAlias>(out AnchorAlias? alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out YamlNode? target))
            {
                return target;
            }

            throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
        }
        if (parser.TryConsume<Scalar>(out Scalar? scalar))
        {
            var node = new YamlScalarNode(ToPosition(scalar.Start), scalar.Value, scalar.Style == ScalarStyle.Plain);
            Remember(scalar, node, anchors);
            return node;
        }
        if (parser.TryConsume<SequenceStart>(out SequenceStart? sequenceStart))
        {
            var node = new YamlSequenceNode(ToPosition(sequenceStart.Start));
            Remember(sequenceStart, node, anchors);
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                node.Items.Add(ReadNode(parser, file, anchors, errors));
            }

            return node;
        }
        if (parser.TryConsume<MappingStart>(out MappingStart? mappingStart))
        {
            var node = new YamlMappingNode(ToPosition(mappingStart.Start));
            Remember(mappingStart, node, anchors);
            var seen = new Dictionary<string, YamlScalarNode>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                YamlNode key = ReadNode(parser, file, anchors, errors);
                YamlNode value = ReadNode(parser, file, anchors, errors);
                if (key is not YamlScalarNode scalarKey)
                {
                    errors.Add(new ManifestDiagnostic(file, key.Start, $"a key must be a plain name, not {key.KindName}",
                        "write `name: value` pairs"));
                    continue;
                }
                if (seen.TryGetValue(scalarKey.Value, out YamlScalarNode? first))
                {
                    errors.Add(new ManifestDiagnostic(file, scalarKey.Start,
                        $"duplicate key `{scalarKey.Value}` (first at line {first.Start.Line})",
                        "keep one of them: a key may appear once in a mapping"));
                    continue;
                }
                seen.Add(scalarKey.Value, scalarKey);
                node.Entries.Add(new KeyValuePair<YamlScalarNode, YamlNode>(scalarKey, value));
            }
            return node;
        }
        ParsingEvent unexpected = parser.Current!;
        throw new YamlException(unexpected.Start, unexpected.End, "unexpected " + unexpected.GetType().Name);
    }

    private static void Remember(NodeEvent e, YamlNode node, Dictionary<string, YamlNode> anchors)
    {
        if (!e.Anchor.IsEmpty)
        {
            anchors[e.Anchor.Value] = node;
        }
    }

    internal static SourcePosition ToPosition(Mark mark) =>
        new(System.Math.Max(1, (int)mark.Line), System.Math.Max(1, (int)mark.Column));

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (...): "; the
    // position is printed by us already.
    private static string SyntaxMessage(YamlException e)
    {
        string message = e.Message;
        int cut = message.IndexOf("): ", System.StringComparison.Ordinal);
        if (message.StartsWith("(Line:", System.StringComparison.Ordinal) && cut >= 0)
        {
            message = message[(cut + 3)..];
        }

        return message.TrimEnd('.').Trim();
    }
}
