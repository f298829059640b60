using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace Microkernel.BootTests;

/// <summary>What the built CrashSymbolizer printed for one serial log.</summary>
/// <param name="ExitStatus">Its exit status (0 when the whole log was processed).</param>
/// <param name="Output">Its stdout lines: the log with <c>--- symbolized</c> blocks added.</param>
/// <param name="Errors">Its stderr.</param>
public sealed record SymbolizerResult(int ExitStatus, IReadOnlyList<string> Output, string Errors)
{
    /// <summary>The lines of every <c>--- symbolized</c> ... <c>--- end symbolized</c> block, markers excluded.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Blocks
    {
        get
        {
            var blocks = new List<IReadOnlyList<string>>();
            List<string>? block = null;
            foreach (string line in Output)
            {
                if (line.StartsWith("--- symbolized", StringComparison.Ordinal))
                {
                    block = new List<string>();
                }
                else if (line == "--- end symbolized" && block is not null)
                {
                    blocks.Add(block);
                    block = null;
                }
                else
                {
                    block?.Add(line);
                }
            }

            return blocks;
        }
    }

    /// <summary>Everything it printed, for test output.</summary>
    public override string ToString() =>
        $"--- symbolizer exit status {ExitStatus}, stdout:\n{string.Join('\n', Output)}\n--- symbolizer stderr:\n{Errors}";
}

/// <summary>Runs out/tools/CrashSymbolizer/CrashSymbolizer.dll over a serial log, as
/// <c>make</c>'s <c>$(SYMBOLIZE)</c> does.</summary>
public static class Symbolizer
{
    /// <summary>Pipes <paramref name="serialLines"/> into the symbolizer for image
    /// <paramref name="elfPath"/> and collects what it prints.</summary>
    public static async Task<SymbolizerResult> RunAsync(string elfPath, IEnumerable<string> serialLines)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The tool reads and writes Latin-1 so any serial byte passes through unchanged.
            StandardInputEncoding = Encoding.Latin1,
            StandardOutputEncoding = Encoding.Latin1,
        };
        start.ArgumentList.Add(RepoPaths.Symbolizer);
        start.ArgumentList.Add("--elf");
        start.ArgumentList.Add(elfPath);

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            foreach (string line in serialLines)
            {
                await process.StandardInput.WriteAsync(line + "\n").ConfigureAwait(false);
            }

            process.StandardInput.Close();
            var timeout = TimeSpan.FromSeconds(60);
            await process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
            string output = await stdout.WaitAsync(timeout).ConfigureAwait(false);
            return new SymbolizerResult(
                process.ExitCode,
                output.Split('\n').Select(line => line.TrimEnd('\r')).ToArray(),
                await stderr.WaitAsync(timeout).ConfigureAwait(false));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
