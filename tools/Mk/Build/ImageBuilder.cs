using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Mk.Compose;
using Mk.Manifests;

namespace Mk.Build;

/// <summary>Builds an image from a manifest: composes it into out/manifests/, then runs
/// <c>make -C ROOT ROOT/out/NAME.elf IMAGE_MANIFEST=MANIFEST.yaml
/// IMAGE_VARS=ROOT/out/manifests/NAME.vars.mk</c>, showing make's step lines (IL, ILC, LD,
/// IMAGE) with the time elapsed, and the last 30 lines of output if it fails.</summary>
public sealed class ImageBuilder
{
    /// <summary>How many lines of make's output a failure shows.</summary>
    public const int FailureTailLines = 30;

    private static readonly string[] s_stepPrefixes = { "  IL ", "  ILC ", "  LD ", "  IMAGE " };

    private readonly Workspace _workspace;
    private readonly TextWriter _output;
    private readonly bool _verbose;

    /// <summary>A builder for <paramref name="workspace"/>, reporting on <paramref name="output"/>;
    /// <paramref name="verbose"/> shows every line make prints.</summary>
    public ImageBuilder(Workspace workspace, TextWriter output, bool verbose)
    {
        _workspace = workspace;
        _output = output;
        _verbose = verbose;
    }

    /// <summary>Reads and validates a manifest against the repository's services.</summary>
    /// <exception cref="ManifestException">The manifest has errors.</exception>
    public ImageManifest LoadManifest(string manifestPath)
    {
        ManifestParseResult result = ManifestParser.Load(manifestPath, _workspace.LoadServiceCatalog());
        if (!result.Succeeded)
        {
            throw new ManifestException(result.Errors);
        }

        return result.Manifest!;
    }

    /// <summary>Composes and builds; returns the image path (out/NAME.elf).</summary>
    /// <exception cref="ManifestException">The manifest has errors.</exception>
    /// <exception cref="MkException">make failed or cannot build this image.</exception>
    public string Build(string manifestPath, ImageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ManifestCompiler.WriteOutputs(manifest, _workspace.ManifestsDirectory);
        string image = Path.Combine(_workspace.OutDirectory, manifest.Name + ".elf");
        string vars = Path.Combine(_workspace.ManifestsDirectory, manifest.Name + ".vars.mk");
        var arguments = new List<string>
        {
            "-C", _workspace.Root, image,
            "IMAGE_MANIFEST=" + Path.GetFullPath(manifestPath),
            "IMAGE_VARS=" + vars,
        };
        _output.WriteLine($"  BUILD   {manifest.Name} ({manifest.Flavour} kernel; {string.Join(' ', manifest.StartOrder.Select(s => s.Name))})");
        var clock = Stopwatch.StartNew();
        (int exitCode, List<string> lines) = RunMake(arguments, clock);
        if (exitCode != 0)
        {
            if (lines.Any(l => l.Contains("No rule to make target", StringComparison.Ordinal) && l.Contains(image, StringComparison.Ordinal)))
            {
                throw new MkException($"the Makefile has no rule for out/{manifest.Name}.elf yet",
                    "the rule that builds any image from out/manifests/NAME.vars.mk is still to come; images/default.yaml and images/test.yaml build today");
            }

            foreach (string line in lines.TakeLast(FailureTailLines))
            {
                _output.WriteLine("    " + line);
            }

            throw new MkException(string.Create(CultureInfo.InvariantCulture,
                $"building {Relative(image)} failed (make exited with {exitCode} after {clock.Elapsed.TotalSeconds:F1}s); its last lines are above"));
        }
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{clock.Elapsed.TotalSeconds,6:F1}s] {Relative(image)} ready"));
        return image;
    }

    private (int ExitCode, List<string> Lines) RunMake(List<string> arguments, Stopwatch clock)
    {
        var start = new ProcessStartInfo("make")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var lines = new List<string>();
        object gate = new object();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                lines.Add(line);
                if (lines.Count > 4 * FailureTailLines)
                {
                    lines.RemoveRange(0, lines.Count - FailureTailLines);
                }

                if (_verbose)
                {
                    _output.WriteLine("    " + line);
                }
                else if (s_stepPrefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal)))
                {
                    _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{clock.Elapsed.TotalSeconds,6:F1}s] {line.Trim()}"));
                }
            }
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new MkException("cannot start make");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MkException("cannot start make: " + e.Message, "install make (apt-get install make)", 1, e);
        }
        using (process)
        {
            process.StandardInput.Close();
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.WaitForExit();
            lock (gate)
            {
                return (process.ExitCode, lines.ToList());
            }
        }
    }

    private string Relative(string path) => Path.GetRelativePath(_workspace.Root, path);
}

/// <summary>A manifest with errors; <see cref="Errors"/> holds them for printing.</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Wraps the errors found.</summary>
    public ManifestException(IReadOnlyList<ManifestDiagnostic> errors)
        : base(errors is { Count: > 0 } ? errors[0].Message : "invalid manifest") => Errors = errors;

    /// <summary>Not used; errors are required.</summary>
    public ManifestException() : this(Array.Empty<ManifestDiagnostic>()) { }

    /// <summary>Not used; errors are required.</summary>
    public ManifestException(string message) : base(message) => Errors = Array.Empty<ManifestDiagnostic>();

    /// <summary>Not used; errors are required.</summary>
    public ManifestException(string message, Exception inner) : base(message, inner) => Errors = Array.Empty<ManifestDiagnostic>();

    /// <summary>The errors, in file order.</summary>
    public IReadOnlyList<ManifestDiagnostic> Errors { get; }
}
