using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace ImageProfile;

/// <summary>A bad command line; the tool prints the message and the usage and exits 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public UsageException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-line message and the underlying cause.</summary>
    public UsageException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public UsageException() : base("bad command line") { }
}

/// <summary>
/// The command line. The defaults profile the kernel benchmark (<c>bench=kernel</c> on
/// <c>out/test.elf</c>): the window opens at <c>null_syscall_ticks=</c> and closes at
/// <c>call_reply_ticks=</c>, the call/reply loop of bench/services/echo-bench/EchoBench.cs
/// (256 runs + 16 warm-up calls = 272 iterations).
/// </summary>
public sealed class ProfileOptions
{
    /// <summary>The usage text printed for --help and after a usage error.</summary>
    public const string Usage =
        "usage: ImageProfile [--image ELF] [--services DIR] [--append CMDLINE] [--from REGEX] [--to REGEX]\n" +
        "                    [--iterations N | --per [IMAGE:]FUNCTION] [--top N] [--json FILE]\n" +
        "                    [--timeout SECONDS] [--qemu PATH] [--keep DIR] [--verbose]\n" +
        "       ImageProfile --trace FILE --serial FILE [same analysis options]   (analyze a kept run)";

    /// <summary>The kernel image booted and symbolized (ET_EXEC).</summary>
    public string Image { get; private set; } = "out/test.elf";

    /// <summary>Where the services' unstripped ELFs are (<c>NAME.elf</c>); default: <c>services/</c> beside the image.</summary>
    public string ServicesDirectory { get; private set; } = "";

    /// <summary>The kernel command line (<c>-append</c>).</summary>
    public string Append { get; private set; } = "bench=kernel";

    /// <summary>A serial line matching this starts the trace.</summary>
    public Regex From { get; private set; } = new("null_syscall_ticks=", RegexOptions.CultureInvariant);

    /// <summary>A serial line matching this (after <see cref="From"/>) stops the trace.</summary>
    public Regex To { get; private set; } = new("call_reply_ticks=", RegexOptions.CultureInvariant);

    /// <summary>The divisor for per-iteration figures when there is no <see cref="Per"/>.</summary>
    public long Iterations { get; private set; } = 272;

    /// <summary>The marker function (<c>[IMAGE:]NAME</c>) entered once per iteration, or null.</summary>
    public string? Per { get; private set; }

    /// <summary>How many function rows the table shows (null: all).</summary>
    public int? Top { get; private set; }

    /// <summary>Where to write the JSON profile, or null.</summary>
    public string? Json { get; private set; }

    /// <summary>The bound on the whole QEMU run.</summary>
    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(300);

    /// <summary>The QEMU binary.</summary>
    public string Qemu { get; private set; } = "qemu-system-x86_64";

    /// <summary>A directory to keep trace.log and serial.log in, instead of a deleted temporary directory.</summary>
    public string? Keep { get; private set; }

    /// <summary>Analyze this kept trace instead of running QEMU (with <see cref="Serial"/>).</summary>
    public string? Trace { get; private set; }

    /// <summary>The serial log that goes with <see cref="Trace"/>.</summary>
    public string? Serial { get; private set; }

    /// <summary>Echo the guest's serial output to stderr.</summary>
    public bool Verbose { get; private set; }

    /// <summary>True when --help was asked for.</summary>
    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/>; both <c>--name value</c> and <c>--name=value</c> work.</summary>
    /// <exception cref="UsageException">Unknown option, missing or malformed value, or conflicting options.</exception>
    public static ProfileOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new ProfileOptions();
        bool iterationsGiven = false;
        string? services = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string? inline = null;
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { inline = a[(eq + 1)..]; a = a[..eq]; }
            switch (a)
            {
                case "-h" or "--help": o.Help = true; break;
                case "-v" or "--verbose": o.Verbose = true; break;
                case "--image": o.Image = Value(); break;
                case "--services": services = Value(); break;
                case "--append": o.Append = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException("--append needs a value")); break;
                case "--from": o.From = Pattern(a, Value()); break;
                case "--to": o.To = Pattern(a, Value()); break;
                case "--iterations": o.Iterations = Positive(a, Value()); iterationsGiven = true; break;
                case "--per": o.Per = Value(); break;
                case "--top": o.Top = (int)Math.Min(Positive(a, Value()), int.MaxValue); break;
                case "--json": o.Json = Value(); break;
                case "--timeout": o.Timeout = TimeSpan.FromSeconds(Positive(a, Value())); break;
                case "--qemu": o.Qemu = Value(); break;
                case "--keep": o.Keep = Value(); break;
                case "--trace": o.Trace = Value(); break;
                case "--serial": o.Serial = Value(); break;
                default: throw new UsageException($"unknown argument '{args[i]}'");
            }

            string Value()
            {
                string? v = inline ?? (i + 1 < args.Count ? args[++i] : null);
                if (string.IsNullOrEmpty(v))
                {
                    throw new UsageException($"{a} needs a value");
                }

                return v;
            }
        }
        if (iterationsGiven && o.Per is not null)
        {
            throw new UsageException("--iterations and --per both set the iteration count; give one");
        }

        if ((o.Trace is null) != (o.Serial is null))
        {
            throw new UsageException("--trace and --serial go together (a kept run's trace.log and serial.log)");
        }

        if (o.Trace is not null && o.Keep is not null)
        {
            throw new UsageException("--keep applies to a QEMU run, not to --trace");
        }

        o.ServicesDirectory = services ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(o.Image)) ?? ".", "services");
        return o;
    }

    private static Regex Pattern(string option, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: '{pattern}' is not a valid regular expression: {e.Message}", e);
        }
    }

    private static long Positive(string option, string value)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1)
        {
            throw new UsageException($"{option} needs a positive whole number, not '{value}'");
        }

        return n;
    }
}
