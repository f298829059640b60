using System;
using System.CommandLine;
using System.IO;
using Mk.Instances;

namespace Mk.Cli;

/// <summary>What every verb needs: the global options' values, the workspace (found on first
/// use, so <c>--help</c> works anywhere), and the output writers.</summary>
internal sealed class CommandContext
{
    private readonly string? _instancesOption;
    private Workspace? _workspace;

    public CommandContext(ParseResult parse, bool verbose, string? instancesOption)
    {
        Parse = parse;
        Verbose = verbose;
        _instancesOption = instancesOption;
    }

    public ParseResult Parse { get; }
    public bool Verbose { get; }
    public TextWriter Out => Console.Out;
    public TextWriter Error => Console.Error;
    public Workspace Workspace => _workspace ??= Workspace.Locate(_instancesOption);
    public InstanceStore Instances => new(Workspace.InstancesDirectory);
}
