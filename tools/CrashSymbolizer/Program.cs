using System;
using System.IO;
using System.Text;

namespace CrashSymbolizer;

/// <summary>
/// Command line entry: <c>CrashSymbolizer --elf PATH [--input FILE]</c>. Reads the serial
/// log from FILE (or stdin), writes it to stdout with symbolized crash reports added.
/// Exit codes: 0 success, 2 usage error or unusable ELF/input (one line on stderr).
/// </summary>
public static class Program
{
    /// <summary>The usage line printed for --help and on usage errors.</summary>
    public const string Usage = "usage: CrashSymbolizer --elf PATH [--input FILE]   (reads stdin when --input is absent or '-')";

    /// <summary>Process entry point.</summary>
    public static int Main(string[] args)
    {
        // Latin-1 maps every byte to one char and back, so non-UTF-8 serial noise passes through unchanged.
        Encoding latin1 = Encoding.Latin1;
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), latin1) { AutoFlush = false };
        using var stdin = new StreamReader(Console.OpenStandardInput(), latin1);
        try
        {
            return Run(args, stdin, stdout, Console.Error);
        }
        catch (IOException)
        {
            return 0; // stdout closed (e.g. piped into head): nothing more to do
        }
    }

    /// <summary>
    /// Runs the tool with explicit streams (used by tests). <paramref name="stdin"/> is read
    /// only when no <c>--input</c> file is given.
    /// </summary>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        string? elfPath = null, inputPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? inline = null;
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { inline = a[(eq + 1)..]; a = a[..eq]; }
            switch (a)
            {
                case "-h" or "--help":
                    stdout.WriteLine(Usage);
                    stdout.Flush();
                    return 0;
                case "--elf" or "--input":
                    string? value = inline ?? (i + 1 < args.Length ? args[++i] : null);
                    if (string.IsNullOrEmpty(value))
                    {
                        return Fail(stderr, $"{a} needs a value");
                    }

                    if (a == "--elf")
                    {
                        elfPath = value;
                    }
                    else
                    {
                        inputPath = value;
                    }

                    break;
                default:
                    return Fail(stderr, $"unknown argument '{args[i]}'");
            }
        }
        if (elfPath is null)
        {
            return Fail(stderr, "--elf PATH is required");
        }

        ReportSymbolizer symbolizer;
        try
        {
            symbolizer = ReportSymbolizer.Load(elfPath, Environment.CurrentDirectory);
        }
        catch (ElfFormatException e)
        {
            stderr.WriteLine("CrashSymbolizer: error: " + e.Message);
            return 2;
        }
        foreach (string w in symbolizer.Lines.Warnings)
        {
            stderr.WriteLine("CrashSymbolizer: warning: " + w);
        }

        TextReader input = stdin;
        StreamReader? file = null;
        if (inputPath is not null && inputPath != "-")
        {
            try
            {
                file = new StreamReader(inputPath, Encoding.Latin1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"CrashSymbolizer: error: cannot read input '{inputPath}': {e.Message}");
                return 2;
            }
            input = file;
        }
        using (file)
        {
            new SerialLogFilter(symbolizer).Run(input, stdout);
        }
        return 0;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("CrashSymbolizer: error: " + message);
        stderr.WriteLine(Usage);
        return 2;
    }
}
